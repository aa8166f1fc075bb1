#!/bin/sh
# One-shot (temporalio/admin-tools), after the server is healthy: creates the namespace if it is
# missing, with the retention of namespace.env, and registers the search attributes it lists (the
# same file `npm run stack` registers from; test/deploy/server-settings.test.ts keeps it in step
# with common/search-attributes.ts). Re-running it is harmless: existing ones are reported and kept.
set -eu
. "$(dirname "$0")/namespace.env"
namespace=${TEMPORAL_NAMESPACE:-default}

if ! temporal operator namespace describe --namespace "$namespace" >/dev/null 2>&1; then
  temporal operator namespace create --namespace "$namespace" --retention "$NAMESPACE_RETENTION"
fi

for pair in $SEARCH_ATTRIBUTES; do
  name=${pair%%=*}
  type=${pair#*=}
  if temporal operator search-attribute list --namespace "$namespace" | grep -qw "$name"; then
    echo "search attribute $name already registered"
  else
    temporal operator search-attribute create --namespace "$namespace" --name "$name" --type "$type"
  fi
done
echo "namespace $namespace ready with search attributes: $SEARCH_ATTRIBUTES"
