# Sourced by the server-measuring scripts. write_ceiling_json <file>: the bytes GET /api/forecast
# sends (artifacts/forecasts/latest.json serialised compactly), for bench:serve's bare ceiling.
write_ceiling_json() {
  node -e 'const fs = require("fs"); fs.writeFileSync(process.argv[1], JSON.stringify(JSON.parse(fs.readFileSync("artifacts/forecasts/latest.json", "utf8"))))' "$1"
}
