# Create an API key (POST /api-keys)
# The key can also go in `Authorization: ApiKey …` or in `X-API-Key: …`;
# send it in exactly one header.
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
