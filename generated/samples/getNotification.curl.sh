# Get a notification (GET /notifications/{notification_id})
# The key can also go in `Authorization: ApiKey …` or in `X-API-Key: …`;
# send it in exactly one header.
curl "${HERALD_BASE_URL:-https://api.herald.example/v1}/notifications/ntf_5GhT8kLm2QwX7pRz4VcN9bJs" \
  --header "Authorization: Bearer $HERALD_API_KEY"
