#!/bin/bash
# docker/compose.secured.yaml's one-shot "users": as the super user admin, creates the topics, the component
# users (SCRAM-SHA-512), their least-privilege ACLs and one client config file per user in /clients.
# The "topic" lines are the Topic enum's, the "acl" lines ComponentAcls' for the commands' default application ids
# and the executor of host "synthetic": ComposeSecuredTest fails when they drift apart.
set -euo pipefail
: "${TIERSCOPE_SECRET:?}"
BIN=/opt/kafka/bin
BOOTSTRAP=kafka:9092
PARTITIONS=4

client_config() { # user password file
  cat > "$3" <<EOT
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$1" password="$2";
ssl.truststore.location=/etc/tierscope/tls/truststore.p12
ssl.truststore.password=${TIERSCOPE_SECRET}-trust
ssl.truststore.type=PKCS12
EOT
  chmod 644 "$3" # read by the apps' own user; the volume is mounted only into this project's containers
}

client_config admin "${TIERSCOPE_SECRET}-admin" /clients/admin.properties
ADMIN=(--bootstrap-server "$BOOTSTRAP" --command-config /clients/admin.properties)

topic() { # name configs(comma-separated)
  local configs=()
  IFS=, read -ra pairs <<< "$2"
  for pair in "${pairs[@]}"; do configs+=(--config "$pair"); done
  "$BIN/kafka-topics.sh" "${ADMIN[@]}" --create --if-not-exists --topic "$1" --partitions "$PARTITIONS" \
    --replication-factor 1 "${configs[@]}"
}

acl() { # user operation resource-type name pattern-type
  local resource
  case "$3" in
    TOPIC) resource=--topic ;;
    GROUP) resource=--group ;;
    TRANSACTIONAL_ID) resource=--transactional-id ;;
  esac
  "$BIN/kafka-acls.sh" "${ADMIN[@]}" --add --allow-principal "User:$1" --operation "$2" "$resource" "$4" \
    --resource-pattern-type "${5,,}" > /dev/null
}

for user in collector streams reader planner executor query; do
  password="${TIERSCOPE_SECRET}-${user}"
  "$BIN/kafka-configs.sh" "${ADMIN[@]}" --alter --entity-type users --entity-name "$user" \
    --add-config "SCRAM-SHA-512=[iterations=8192,password=${password}]"
  client_config "$user" "$password" "/clients/${user}.properties"
done

topic tierscope.samples.raw cleanup.policy=delete
topic tierscope.scans.ad cleanup.policy=delete
topic tierscope.ingest.stats cleanup.policy=delete
topic tierscope.mrc.history cleanup.policy=delete
topic tierscope.mrc.latest cleanup.policy=compact,min.compaction.lag.ms=0,segment.ms=600000
topic tierscope.mrc.audit cleanup.policy=delete
topic tierscope.heat.pages cleanup.policy=compact,min.compaction.lag.ms=0,segment.ms=600000
topic tierscope.heat.changes cleanup.policy=delete
topic tierscope.heat.summary cleanup.policy=delete
topic tierscope.inventory cleanup.policy=compact,min.compaction.lag.ms=0,segment.ms=600000
topic tierscope.placement cleanup.policy=compact,min.compaction.lag.ms=0,segment.ms=600000
topic tierscope.tiering.allocations cleanup.policy=compact,min.compaction.lag.ms=0,segment.ms=600000
topic tierscope.tiering.plans cleanup.policy=delete
topic tierscope.tiering.node.working.sets cleanup.policy=compact,min.compaction.lag.ms=0,segment.ms=600000
topic tierscope.migration.results cleanup.policy=delete
topic tierscope.deadletter cleanup.policy=delete

acl collector WRITE TOPIC tierscope.samples.raw LITERAL
acl collector WRITE TOPIC tierscope.scans.ad LITERAL
acl collector DESCRIBE TOPIC tierscope. PREFIXED
acl streams READ TOPIC tierscope.samples.raw LITERAL
acl streams READ TOPIC tierscope.scans.ad LITERAL
acl streams WRITE TOPIC tierscope.ingest.stats LITERAL
acl streams WRITE TOPIC tierscope.mrc.history LITERAL
acl streams WRITE TOPIC tierscope.mrc.latest LITERAL
acl streams WRITE TOPIC tierscope.mrc.audit LITERAL
acl streams WRITE TOPIC tierscope.heat.pages LITERAL
acl streams WRITE TOPIC tierscope.heat.changes LITERAL
acl streams WRITE TOPIC tierscope.heat.summary LITERAL
acl streams WRITE TOPIC tierscope.deadletter LITERAL
acl streams DESCRIBE TOPIC tierscope. PREFIXED
acl streams ALL TOPIC tierscope-streams- PREFIXED
acl streams READ GROUP tierscope-streams LITERAL
acl streams WRITE TRANSACTIONAL_ID tierscope-streams- PREFIXED
acl streams DESCRIBE TRANSACTIONAL_ID tierscope-streams- PREFIXED
acl reader READ TOPIC tierscope.ingest.stats LITERAL
acl reader READ TOPIC tierscope.mrc.history LITERAL
acl reader READ TOPIC tierscope.mrc.latest LITERAL
acl reader READ TOPIC tierscope.mrc.audit LITERAL
acl reader READ TOPIC tierscope.heat.pages LITERAL
acl reader READ TOPIC tierscope.heat.changes LITERAL
acl reader READ TOPIC tierscope.heat.summary LITERAL
acl reader READ TOPIC tierscope.deadletter LITERAL
acl reader READ TOPIC tierscope.tiering.allocations LITERAL
acl reader READ TOPIC tierscope.tiering.plans LITERAL
acl reader READ TOPIC tierscope.migration.results LITERAL
acl planner READ TOPIC tierscope.mrc.latest LITERAL
acl planner READ TOPIC tierscope.heat.pages LITERAL
acl planner READ TOPIC tierscope.placement LITERAL
acl planner READ TOPIC tierscope.inventory LITERAL
acl planner WRITE TOPIC tierscope.tiering.allocations LITERAL
acl planner WRITE TOPIC tierscope.tiering.plans LITERAL
acl planner WRITE TOPIC tierscope.tiering.node.working.sets LITERAL
acl planner WRITE TOPIC tierscope.deadletter LITERAL
acl planner DESCRIBE TOPIC tierscope. PREFIXED
acl planner ALL TOPIC tierscope-planner- PREFIXED
acl planner READ GROUP tierscope-planner LITERAL
acl planner WRITE TRANSACTIONAL_ID tierscope-planner- PREFIXED
acl planner DESCRIBE TRANSACTIONAL_ID tierscope-planner- PREFIXED
acl executor READ TOPIC tierscope.tiering.plans LITERAL
acl executor WRITE TOPIC tierscope.migration.results LITERAL
acl executor WRITE TOPIC tierscope.placement LITERAL
acl executor WRITE TOPIC tierscope.deadletter LITERAL
acl executor DESCRIBE TOPIC tierscope. PREFIXED
acl executor READ GROUP tierscope-executor-synthetic LITERAL
acl query READ TOPIC tierscope.tiering.allocations LITERAL
acl query READ TOPIC tierscope.heat.summary LITERAL
acl query READ TOPIC tierscope.ingest.stats LITERAL
acl query READ TOPIC tierscope.mrc.history LITERAL
acl query READ TOPIC tierscope.mrc.latest LITERAL
acl query READ TOPIC tierscope.heat.pages LITERAL
acl query READ TOPIC tierscope.tiering.plans LITERAL
acl query DESCRIBE TOPIC tierscope. PREFIXED
acl query ALL TOPIC tierscope-query- PREFIXED
acl query READ GROUP tierscope-query LITERAL
acl query DESCRIBE GROUP tierscope-streams LITERAL
acl query DESCRIBE TOPIC tierscope-streams- PREFIXED
acl query DESCRIBE GROUP tierscope-planner LITERAL
acl query DESCRIBE TOPIC tierscope-planner- PREFIXED

echo "users: topics, users, ACLs and client configs in place"
