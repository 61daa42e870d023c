# Get a notification (GET /notifications/{notification_id})
# The key may also be sent as `Authorization: ApiKey …` or `X-API-Key: …`: send exactly one.
curl "${HERALD_BASE_URL:-https://api.herald.example/v1}/notifications/ntf_5GhT8kLm2QwX7pRz4VcN9bJs" \
  --header "Authorization: Bearer $HERALD_API_KEY"
