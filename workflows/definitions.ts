import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { CampaignStatus } from '../activities/campaign';

// Signals and queries shared by workflows and the API (one file, as in Temporal's samples).

/** CampaignProgress is what the campaign workflow reports about itself. */
export interface CampaignProgress {
  status: CampaignStatus;
  reason: string | null;
  phase: 'walk' | 'sweep';
  afterId: string;
  batches: number;
  held: number;
  attempted: number;
  failed: number;
}

/** CampaignControl is a user's change of a campaign: what was asked, and the status the campaign's row now has. */
export interface CampaignControl {
  action: 'pause' | 'resume' | 'cancel';
  status: CampaignStatus;
}

/** campaignControlSignal tells a campaign workflow that its status was changed by a user (pause, resume, cancel). */
export const campaignControlSignal = defineSignal<[CampaignControl]>('campaignControl');

/** campaignProgressQuery reads a campaign workflow's status and checkpoint. */
export const campaignProgressQuery = defineQuery<CampaignProgress>('campaignProgress');

/** campaignWorkflowId is the readable id of a campaign's workflow (API.md). */
export function campaignWorkflowId(campaignId: string): string {
  return `campaign-${campaignId}`;
}

/** cadenceWorkflowId is the id of the workflow that sends one cadence step: one per skill, list row and call outcome. */
export function cadenceWorkflowId(event: { skillId: string; listId: string; row: number; outcome: string }): string {
  return `cadence-${event.skillId}-${event.listId}-row${event.row}-${event.outcome}`;
}

/** conversationWorkflowId is the id of the workflow that handles one contact's replies in one business unit. */
export function conversationWorkflowId(businessUnitId: string, phone: string): string {
  return `conversation-${businessUnitId}-${phone}`;
}

/** Search attributes that let an operator find a campaign in the Temporal Web UI (registered by the start scripts). */
export const campaignIdKey = defineSearchAttributeKey('CampaignId', SearchAttributeType.KEYWORD);
export const businessUnitIdKey = defineSearchAttributeKey('BusinessUnitId', SearchAttributeType.KEYWORD);
export const campaignStatusKey = defineSearchAttributeKey('CampaignStatus', SearchAttributeType.KEYWORD);

/** ConversationEvent is one thing a conversation workflow handles, in the order it arrived. */
export type ConversationEvent =
  | { type: 'inbound'; messageSid: string }
  | { type: 'agentReply'; conversationId: string; messageId: string }
  | { type: 'closed'; conversationId: string };

/** ConversationState is what the conversation workflow reports about itself. */
export interface ConversationState {
  openConversationId: string | null;
  lastMessageAt: number | null;
  pending: number;
  handled: number;
  sending: number;
}

/** inboundReplySignal hands a recorded inbound message (by MessageSid) to the contact's conversation workflow. */
export const inboundReplySignal = defineSignal<[{ messageSid: string }]>('inboundReply');

/** agentReplySignal asks the conversation workflow to send an agent's stored reply. */
export const agentReplySignal = defineSignal<[{ conversationId: string; messageId: string }]>('agentReply');

/** conversationClosedSignal tells the workflow an agent closed the conversation, so its idle timer can stop. */
export const conversationClosedSignal = defineSignal<[{ conversationId: string }]>('conversationClosed');

/** conversationStateQuery reads a conversation workflow's open conversation and queue. */
export const conversationStateQuery = defineQuery<ConversationState>('conversationState');
