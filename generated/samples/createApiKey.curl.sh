# Create an API key (POST /api-keys)
# The key may also be sent as `Authorization: ApiKey …` or `X-API-Key: …`: send exactly one.
curl --request POST "${HERALD_BASE_URL:-https://api.herald.example/v1}/api-keys" \
  --header "Authorization: Bearer $HERALD_API_KEY" \
  --header 'Idempotency-Key: 8e03978e-40d5-43e8-bc93-6894a57f9324' \
  --header 'Content-Type: application/json' \
  --data '{
  "name": "Dashboard (read-only)",
  "scopes": [
    "keys:read",
    "usage:read"
  ],
  "expires_at": "2027-01-01T00:00:00Z"
}'
