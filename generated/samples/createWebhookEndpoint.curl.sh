# Create a webhook endpoint (POST /webhook-endpoints)
# The key can also go in `Authorization: ApiKey …` or in `X-API-Key: …`;
# send it in exactly one header.
# A new Idempotency-Key for each request; send the same one again only to retry this request.
idempotency_key="$(cat /proc/sys/kernel/random/uuid 2>/dev/null || uuidgen)"
curl --request POST "${HERALD_BASE_URL:-https://api.herald.example/v1}/webhook-endpoints" \
  --header "Authorization: Bearer $HERALD_API_KEY" \
  --header "Idempotency-Key: $idempotency_key" \
  --header 'Content-Type: application/json' \
  --data '{
  "url": "https://hooks.example.com/herald",
  "events": [
    "api_key.revoked",
    "api_key.exposed"
  ]
}'
