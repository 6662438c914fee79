#!/usr/bin/env bash
# Posts the markdown plan (REPORT) as a comment on pull request PR_NUMBER,
# or updates the comment posted before for the same working directory and
# environment (--env NAME in INPUT_ARGS), so that a pull request carries one
# plan comment per manifest and environment, always current.
# Uses the gh CLI (GH_TOKEN) that GitHub's runners provide.
set -euo pipefail
: "${REPORT:?}" "${PR_NUMBER:?}" "${GITHUB_REPOSITORY:?}"
env_name=$(printf '%s\n' "${INPUT_ARGS:-}" | sed -n 's/.*--env[= ]\([A-Za-z0-9_-]*\).*/\1/p')
marker="<!-- prismsync plan: ${INPUT_WORKING_DIRECTORY:-.}${env_name:+ env $env_name} -->"
body=$(mktemp)
trap 'rm -f "$body"' EXIT
{ echo "$marker"; cat "$REPORT"; } >"$body"

id=$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" \
	--jq ".[] | select(.body | startswith(\"$marker\")) | .id" | tail -n 1)
if [ -n "$id" ]; then
	gh api -X PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F "body=@$body" >/dev/null
	echo "Updated the plan comment on pull request #$PR_NUMBER"
else
	gh api -X POST "repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" -F "body=@$body" >/dev/null
	echo "Posted the plan on pull request #$PR_NUMBER"
fi
