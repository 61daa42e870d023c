# List webhook endpoints (GET /webhook-endpoints)
# The key can also go in `Authorization: ApiKey …` or in `X-API-Key: …`;
# send it in exactly one header.
curl "${HERALD_BASE_URL:-https://api.herald.example/v1}/webhook-endpoints?limit=20" \
  --header "Authorization: Bearer $HERALD_API_KEY"
