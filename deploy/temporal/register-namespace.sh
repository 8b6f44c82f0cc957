#!/bin/sh
# Registers the namespace the product runs in (once) and its custom search attributes (SEARCH_ATTRIBUTES, as
# "Name=Type ...": the ones the campaign workflows set, which the dev server gets as --search-attribute flags) on a
# running cluster. Safe to run again: an existing namespace is kept, an existing search attribute is no error. Run by
# `npm run start:cluster` with the Temporal CLI setup.sh built, and by docker-compose.yml's temporal-namespace service.
set -eu
cli="${TEMPORAL_CLI:-temporal}"
address="${TEMPORAL_ADDRESS:-127.0.0.1:7233}"
namespace="${TEMPORAL_NAMESPACE:-default}"

if ! "$cli" operator namespace describe --namespace "$namespace" --address "$address" >/dev/null 2>&1; then
  # Retention: how long a finished campaign's or conversation's history stays readable in the Web UI.
  "$cli" operator namespace create --namespace "$namespace" --retention "${TEMPORAL_RETENTION:-72h}" --address "$address"
fi

set --
for attribute in ${SEARCH_ATTRIBUTES:?set SEARCH_ATTRIBUTES}; do
  set -- "$@" --name "${attribute%%=*}" --type "${attribute#*=}"
done
# A new namespace reaches the frontend's cache within seconds (dynamicconfig.yaml): until then it is "not found".
tries=0
until "$cli" operator search-attribute create --namespace "$namespace" --address "$address" "$@"; do
  tries=$((tries + 1))
  [ "$tries" -lt 30 ] || exit 1
  sleep 2
done
