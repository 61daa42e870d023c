# Get a webhook endpoint (GET /webhook-endpoints/{endpoint_id})
# The key can also go in `Authorization: ApiKey …` or in `X-API-Key: …`;
# send it in exactly one header.
curl "${HERALD_BASE_URL:-https://api.herald.example/v1}/webhook-endpoints/whe_4NcR8tYb2KmQ7wLp9XsD3vHf" \
  --header "Authorization: Bearer $HERALD_API_KEY"
