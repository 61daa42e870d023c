# Send a notification (POST /notifications)
# The key may also be sent as `Authorization: ApiKey …` or `X-API-Key: …`: send exactly one.
curl --request POST "${HERALD_BASE_URL:-https://api.herald.example/v1}/notifications" \
  --header "Authorization: Bearer $HERALD_API_KEY" \
  --header 'Idempotency-Key: 8e03978e-40d5-43e8-bc93-6894a57f9324' \
  --header 'Content-Type: application/json' \
  --data '{
  "channel": "email",
  "to": "ada@example.com",
  "subject": "Your invoice is ready",
  "text": "Hello Ada, your November invoice is ready."
}'
