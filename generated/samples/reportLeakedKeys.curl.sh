# Report leaked keys (POST /secret-scanning/reports)
# No API key: the request is authenticated by its own signature (see the description).
curl --request POST "${HERALD_BASE_URL:-https://api.herald.example/v1}/secret-scanning/reports" \
  --header 'Github-Public-Key-Identifier: bcb53661c06b4728e59d897fb6165d5c9cda0fd9cdf9d09ead458168deb7518c' \
  --header 'Github-Public-Key-Signature: MEQCIQDaMKqrGnE27S0kgMrEK0eYBmyG0LeZismAEz/BgZyt7AIfXt9fErtRS4XaeSt/AO1RtBY66YcAdjxji410VQV4xg==' \
  --header 'Content-Type: application/json' \
  --data '[
  {
    "token": "hk_test_EXAMPLE1LeakedKeyFoundInPublicRepo",
    "type": "herald_api_key",
    "url": "https://github.com/octo-org/octo-repo/blob/2f1a6b3c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a/config/.env",
    "source": "content"
  },
  {
    "token": "hk_live_NotAKeyItOnlyLooksLikeOne",
    "type": "herald_api_key",
    "url": "",
    "source": "npm"
  }
]'
