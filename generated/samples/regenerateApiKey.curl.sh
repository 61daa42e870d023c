# Regenerate an API key (POST /api-keys/{key_id}/regenerate)
# The key can also go in `Authorization: ApiKey …` or in `X-API-Key: …`;
# send it in exactly one header.
curl --request POST "${HERALD_BASE_URL:-https://api.herald.example/v1}/api-keys/key_3xQm7RcV9pLk2NwT8sHa4YdE/regenerate" \
  --header "Authorization: Bearer $HERALD_API_KEY" \
  --header 'Idempotency-Key: 8e03978e-40d5-43e8-bc93-6894a57f9324' \
  --header 'Content-Type: application/json' \
  --data '{
  "grace_period_seconds": 1800
}'
