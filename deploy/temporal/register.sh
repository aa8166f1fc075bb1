#!/bin/sh
# One-shot (temporalio/admin-tools), after the server is healthy: creates the namespace if it is
# missing and registers the product's custom search attributes (arguments: Name=Type, the list
# in common/search-attributes.ts; test/deploy/compose.test.ts keeps the two in step).
# Re-running it is harmless: existing ones are reported and kept.
set -eu
namespace=${TEMPORAL_NAMESPACE:-default}

if ! temporal operator namespace describe --namespace "$namespace" >/dev/null 2>&1; then
  temporal operator namespace create --namespace "$namespace" --retention "${NAMESPACE_RETENTION:-72h}"
fi

for pair in "$@"; do
  name=${pair%%=*}
  type=${pair#*=}
  if temporal operator search-attribute list --namespace "$namespace" | grep -qw "$name"; then
    echo "search attribute $name already registered"
  else
    temporal operator search-attribute create --namespace "$namespace" --name "$name" --type "$type"
  fi
done
echo "namespace $namespace ready with search attributes: $*"
