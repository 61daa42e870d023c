cd /work/wt/13-suite
npm run -s contract -- --env-file /nonexistent.env; echo "npm run: $?"
node node_modules/tsx/dist/cli.mjs contract-tests/src/cli.ts --env-file /nonexistent.env; echo "tsx: $?"
node --import tsx contract-tests/src/cli.ts --env-file /nonexistent.env; echo "node --import tsx (no --): $?"
