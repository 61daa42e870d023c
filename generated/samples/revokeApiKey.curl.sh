# Revoke an API key (DELETE /api-keys/{key_id})
# The key can also go in `Authorization: ApiKey …` or in `X-API-Key: …`;
# send it in exactly one header.
curl --request DELETE "${HERALD_BASE_URL:-https://api.herald.example/v1}/api-keys/key_3xQm7RcV9pLk2NwT8sHa4YdE" \
  --header "Authorization: Bearer $HERALD_API_KEY"
