# fish completion for prismsync: verbs, each verb's options, the values of
# --format and --report-format, and files where a file is expected.
# Installed as share/fish/vendor_completions.d/prismsync.fish.

set -l verbs validate plan apply drift whoami api export rollback version help
set -l manifest_verbs validate plan apply drift
set -l formats text json markdown

complete -c prismsync -f
complete -c prismsync -n "not __fish_seen_subcommand_from $verbs" -l version -d 'print the version and the library versions'
complete -c prismsync -n "not __fish_seen_subcommand_from $verbs" -a validate -d 'check the manifest and its definitions offline'
complete -c prismsync -n "not __fish_seen_subcommand_from $verbs" -a plan -d 'show the changes that would make the organization match the manifest'
complete -c prismsync -n "not __fish_seen_subcommand_from $verbs" -a apply -d 'make the changes, or carry out a saved plan'
complete -c prismsync -n "not __fish_seen_subcommand_from $verbs" -a drift -d 'report how the organization differs from the manifest'
complete -c prismsync -n "not __fish_seen_subcommand_from $verbs" -a whoami -d 'show the user and organization of the credentials'
complete -c prismsync -n "not __fish_seen_subcommand_from $verbs" -a api -d 'run a raw GraphQL request and print its data'
complete -c prismsync -n "not __fish_seen_subcommand_from $verbs" -a export -d 'write the organization as a manifest, to adopt it'
complete -c prismsync -n "not __fish_seen_subcommand_from $verbs" -a rollback -d 'move the instances of an integration back to an earlier version'
complete -c prismsync -n "not __fish_seen_subcommand_from $verbs" -a version -d 'print the version and the library versions'
complete -c prismsync -n "not __fish_seen_subcommand_from $verbs" -a help -d 'show the help of a verb'
complete -c prismsync -n "__fish_seen_subcommand_from help" -a "validate plan apply drift whoami api export rollback version"

# options of every verb
complete -c prismsync -n "__fish_seen_subcommand_from $verbs" -s h -l help -d 'show the help'
complete -c prismsync -n "__fish_seen_subcommand_from $manifest_verbs whoami api export rollback" -l no-color -d 'no colour'
complete -c prismsync -n "__fish_seen_subcommand_from $manifest_verbs whoami api export rollback" -s v -l verbose -d 'more detail'
complete -c prismsync -n "__fish_seen_subcommand_from $manifest_verbs whoami api export rollback" -s f -l file -r -F -d 'the manifest'
complete -c prismsync -n "__fish_seen_subcommand_from $manifest_verbs whoami api export rollback" -l env -x -d 'the environment of the manifest to use'
complete -c prismsync -n "__fish_seen_subcommand_from $manifest_verbs" -l git-ref -x -d 'read the manifest as committed at a revision'
complete -c prismsync -n "__fish_seen_subcommand_from $manifest_verbs" -l repo -r -F -d 'with --git-ref: clone this repository'

# plan
complete -c prismsync -n "__fish_seen_subcommand_from plan" -l format -x -a "$formats" -d 'output format'
complete -c prismsync -n "__fish_seen_subcommand_from plan" -l out -r -F -d 'save the plan to a file'
complete -c prismsync -n "__fish_seen_subcommand_from plan" -l detailed-exitcode -d 'exit 2 when there are changes'
complete -c prismsync -n "__fish_seen_subcommand_from plan" -l changed-since -x -d 'plan only what changed since a revision'
complete -c prismsync -n "__fish_seen_subcommand_from plan apply drift" -l target -x -d 'only this object (* globs) and what it depends on'
complete -c prismsync -n "__fish_seen_subcommand_from plan apply drift" -l select -x -d 'only objects carrying this label'
complete -c prismsync -n "__fish_seen_subcommand_from plan apply drift" -l prune -d 'include owned objects absent from the manifest'
complete -c prismsync -n "__fish_seen_subcommand_from plan apply" -l push-secrets -d 'write-only connection inputs count as changed'
complete -c prismsync -n "__fish_seen_subcommand_from plan apply drift export" -l parallelism -x -d 'writes in flight at most'
complete -c prismsync -n "__fish_seen_subcommand_from plan apply drift export" -l read-parallelism -x -d 'reads in flight at most'

# apply
complete -c prismsync -n "__fish_seen_subcommand_from apply" -l auto-approve -d 'do not ask for confirmation'
complete -c prismsync -n "__fish_seen_subcommand_from apply" -l allow-dirty -d 'apply even when files are not committed'
complete -c prismsync -n "__fish_seen_subcommand_from apply" -l publish-timeout -x -d 'seconds to wait for a published version'
complete -c prismsync -n "__fish_seen_subcommand_from apply" -l batch-size -x -d 'changes of one kind sent in one request at most'
complete -c prismsync -n "__fish_seen_subcommand_from apply" -l lock-timeout -x -d 'seconds to wait for another apply to release the lock'
complete -c prismsync -n "__fish_seen_subcommand_from apply" -l force-unlock -x -d 'remove the apply lock left by a killed apply'
complete -c prismsync -n "__fish_seen_subcommand_from apply" -l report -r -F -d 'write a JSON report of the run'
complete -c prismsync -n "__fish_seen_subcommand_from apply" -F -d 'saved plan'

# drift
complete -c prismsync -n "__fish_seen_subcommand_from drift" -l all-envs -d 'check every environment in one report'
complete -c prismsync -n "__fish_seen_subcommand_from drift" -l format -x -a "$formats" -d 'output format'
complete -c prismsync -n "__fish_seen_subcommand_from drift" -l report -r -F -d 'also write the report to a file'
complete -c prismsync -n "__fish_seen_subcommand_from drift" -l report-format -x -a "$formats" -d 'format of the --report file'

# api
complete -c prismsync -n "__fish_seen_subcommand_from api" -l var -x -d 'a string variable NAME=VALUE'
complete -c prismsync -n "__fish_seen_subcommand_from api" -l var-json -x -d 'a variable of any JSON type NAME=JSON'
complete -c prismsync -n "__fish_seen_subcommand_from api" -F

# export
complete -c prismsync -n "__fish_seen_subcommand_from export" -l dir -x -a "(__fish_complete_directories)" -d 'where to write'
complete -c prismsync -n "__fish_seen_subcommand_from export" -l customer -x -d 'only this customer (externalId) and its instances'
complete -c prismsync -n "__fish_seen_subcommand_from export" -l integration -x -d 'only this integration and its instances'
complete -c prismsync -n "__fish_seen_subcommand_from export" -l label -x -d 'only objects carrying this label'
complete -c prismsync -n "__fish_seen_subcommand_from export" -l force -d 'overwrite files that exist'

# rollback
complete -c prismsync -n "__fish_seen_subcommand_from rollback" -l to -x -d 'the published version to go back to'
complete -c prismsync -n "__fish_seen_subcommand_from rollback" -l customer -x -d 'only the instances of this customer'
complete -c prismsync -n "__fish_seen_subcommand_from rollback" -l auto-approve -d 'do not ask for confirmation'
