# List API keys (GET /api-keys)
# The key may also be sent as `Authorization: ApiKey …` or `X-API-Key: …`: send exactly one.
curl "${HERALD_BASE_URL:-https://api.herald.example/v1}/api-keys?limit=20" \
  --header "Authorization: Bearer $HERALD_API_KEY"
