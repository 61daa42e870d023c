# Get the environment of the key (GET /environment)
# The key may also be sent as `Authorization: ApiKey …` or `X-API-Key: …`: send exactly one.
curl "${HERALD_BASE_URL:-https://api.herald.example/v1}/environment" \
  --header "Authorization: Bearer $HERALD_API_KEY"
