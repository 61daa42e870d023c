# Check a key (GET /ping)
# The key may also be sent as `Authorization: ApiKey …` or `X-API-Key: …`: send exactly one.
curl "${HERALD_BASE_URL:-https://api.herald.example/v1}/ping" \
  --header "Authorization: Bearer $HERALD_API_KEY"
