# bash completion for prismsync: verbs, each verb's options, the values of
# --format and --report-format, and files where a file is expected.
# Installed as share/bash-completion/completions/prismsync.

_prismsync_options()
{
	local common="-f --file --env --no-color -v --verbose -h --help"
	local git="--git-ref --repo"
	case $1 in
	validate) echo "$common $git" ;;
	plan) echo "$common $git --format --out --detailed-exitcode --prune --target --select --parallelism --read-parallelism --changed-since --push-secrets" ;;
	apply) echo "$common $git --auto-approve --prune --target --select --parallelism --read-parallelism --allow-dirty --publish-timeout --push-secrets --batch-size --lock-timeout --force-unlock --report" ;;
	drift) echo "$common $git --all-envs --format --report --report-format --prune --target --select --parallelism --read-parallelism" ;;
	whoami) echo "-f --file --env --no-color -v --verbose -h --help" ;;
	api) echo "--var --var-json -f --file --env --no-color -v --verbose -h --help" ;;
	export) echo "--dir --customer --integration --label --force --parallelism --read-parallelism --env -f --file --no-color -v --verbose -h --help" ;;
	rollback) echo "--to --customer --auto-approve -f --file --env --no-color -v --verbose -h --help" ;;
	version) echo "-h --help" ;;
	esac
}

_prismsync()
{
	local cur prev verb i
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	verb=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) verb=${COMP_WORDS[i]}; break ;;
		esac
	done

	if [[ -z $verb ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--help --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "validate plan apply drift whoami api export rollback version help" -- "$cur"))
		fi
		return 0
	fi

	case $prev in
	--format | --report-format)
		COMPREPLY=($(compgen -W "text json markdown" -- "$cur"))
		return 0
		;;
	-f | --file)
		COMPREPLY=($(compgen -f -X '!*.y*ml' -- "$cur") $(compgen -d -- "$cur"))
		return 0
		;;
	--dir)
		COMPREPLY=($(compgen -d -- "$cur"))
		return 0
		;;
	--customer | --integration | --label | --target | --select)
		return 0
		;;
	--out | --report | --repo)
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0
		;;
	--env)
		# the names under 'environments:' in the manifest
		COMPREPLY=($(compgen -W "$(sed -n '/^environments:/,/^[^ #]/s/^  \([A-Za-z0-9_-]*\):.*/\1/p' prismsync.yaml 2>/dev/null)" -- "$cur"))
		return 0
		;;
	--parallelism | --read-parallelism | --git-ref | --changed-since | --var | --var-json)
		return 0
		;;
	esac

	if [[ $verb == help ]]; then
		COMPREPLY=($(compgen -W "validate plan apply drift whoami api export rollback version" -- "$cur"))
		return 0
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_prismsync_options "$verb")" -- "$cur"))
	elif [[ $verb == apply ]]; then
		# a saved plan from 'prismsync plan --out'
		COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"))
	elif [[ $verb == api ]]; then
		COMPREPLY=($(compgen -f -- "${cur#@}"))
		[[ $cur == @* ]] && COMPREPLY=("${COMPREPLY[@]/#/@}")
	fi
	return 0
}
complete -F _prismsync -o filenames prismsync
