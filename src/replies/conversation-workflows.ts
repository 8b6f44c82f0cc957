// What the reply domain needs of the conversation workflows (implemented by src/workflow-client/): the domain declares
// it, so it never depends on the engine's client.

/** ContactKey names one contact of one business unit: one conversation workflow each. */
export interface ContactKey {
  businessUnitId: string;
  contact: string;
}

/** ConversationWorkflows hands work to a contact's conversation workflow, starting it when it is not running. */
export interface ConversationWorkflows {
  /** deliverInbound hands a stored inbound message (by MessageSid) to the contact's workflow. */
  deliverInbound(contact: ContactKey, messageSid: string): Promise<void>;
  /** sendAgentReply asks the contact's workflow to send an agent's stored reply. */
  sendAgentReply(contact: ContactKey, reply: { conversationId: string; messageId: string }): Promise<void>;
  /** conversationClosed tells a running workflow an agent closed the conversation, so its idle timer can stop. */
  conversationClosed(contact: ContactKey, conversationId: string): Promise<void>;
}
