# Revoke an API key (DELETE /api-keys/{key_id})
# The key may also be sent as `Authorization: ApiKey …` or `X-API-Key: …`: send exactly one.
curl --request DELETE "${HERALD_BASE_URL:-https://api.herald.example/v1}/api-keys/key_3xQm7RcV9pLk2NwT8sHa4YdE" \
  --header "Authorization: Bearer $HERALD_API_KEY"
