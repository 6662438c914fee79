# The checks of the contract suite (sourced by scripts/contract.sh after
# lib.sh). Each check is one behaviour prismsync relies on; it ends with
# pass, fail (what was expected, what was seen) or skip, and leaves its
# evidence with evid.
#
# Objects: one customer, two integrations (definitions/main.yml with a plain
# variable and an SFTP basic connection; definitions/oauth.yml with a Slack
# OAuth 2.0 connection), one instance of each. Every one is named
# "prismsync-contract <run id> ..." and labelled with $OWNER, and recorded
# with `created` as soon as its id is known.

PUBLISH_POLL=2
DEPLOY_TIMEOUT=60

# definition FILE NOTE: a definition of definitions/ for this run.
definition() {
	sed -e "s|@RUN@|$RUN_ID|g" -e "s|@OWNER@|$OWNER|g" -e "s|@NOTE@|$2|g" "$CONTRACT_DIR/definitions/$1"
}

owner_labels() { jq -nc --arg o "$OWNER" '[$o]'; }

# main_config NOTE: the config variables of the main instance.
main_config() {
	jq -nc --arg note "$1" --arg pw "$SFTP_PASSWORD" '[
	    {key: "Contract Note", value: $note},
	    {key: "SFTP Connection", values: ([
	        {name: "host", type: "value", value: "sftp.invalid"},
	        {name: "username", type: "value", value: "prismsync-contract"},
	        {name: "password", type: "value", value: $pw},
	        {name: "port", type: "value", value: "22"},
	        {name: "timeout", type: "value", value: "3000"}] | tojson)}]'
}

oauth_config() {
	jq -nc --arg secret "$OAUTH_SECRET" '[
	    {key: "Slack Connection", values: ([
	        {name: "clientId", type: "value", value: "prismsync-contract-client"},
	        {name: "clientSecret", type: "value", value: $secret},
	        {name: "scopes", type: "value", value: "chat:write"}] | tojson)}]'
}

# cv KEY FILTER: FILTER over config variable KEY of the last get_instance.
cv() {
	j ".instance.configVariables.nodes[] | select(.requiredConfigVariable.key == \"$1\") | $2"
}

# input KEY NAME: "value<TAB>hasValue" of one connection input.
input() {
	cv "$1" ".inputs.nodes[]? | select(.name == \"$2\") | [.value, .hasValue] | @tsv"
}

# wait_available INTEGRATION N: polls versionSequence until version N is
# available. Sets AVAIL_ID and AVAIL_MS; returns 1 after PUBLISH_TIMEOUT.
wait_available() {
	AVAIL_ID=""
	_t0=$(now_ms)
	_said=$_t0
	while :; do
		if gql version_available --var "id=$1" --var-json "versionNumber=$2"; then
			AVAIL_ID=$(j '.integration.versionSequence.nodes[0].id // empty')
		fi
		AVAIL_MS=$(($(now_ms) - _t0))
		[ -n "$AVAIL_ID" ] && return 0
		[ "$AVAIL_MS" -ge $((PUBLISH_TIMEOUT * 1000)) ] && return 1
		if [ $(($(now_ms) - _said)) -ge 10000 ]; then
			say "      waiting for version $2 to become available ($((AVAIL_MS / 1000)) s of $PUBLISH_TIMEOUT s)"
			_said=$(now_ms)
		fi
		sleep "$PUBLISH_POLL"
	done
}

# wait_deployed INSTANCE VERSION: re-reads the instance until needsDeploy is
# false and deployedVersion is VERSION. Sets DEPLOY_MS; the last read stays
# in $W/out.json. Returns 1 after DEPLOY_TIMEOUT seconds.
wait_deployed() {
	_t0=$(now_ms)
	while :; do
		gql get_instance --var "id=$1" || return 1
		DEPLOY_MS=$(($(now_ms) - _t0))
		[ "$(j .instance.needsDeploy)" = false ] && [ "$(j .instance.deployedVersion)" = "$2" ] && return 0
		[ "$DEPLOY_MS" -ge $((DEPLOY_TIMEOUT * 1000)) ] && return 1
		sleep 1
	done
}

# redeploy INSTANCE VERSION: deploys between the needsDeploy checks so that
# each starts from a deployed instance; CLEAN says whether it does (a check
# that starts with needsDeploy already true would prove nothing).
CLEAN=0
redeploy() {
	CLEAN=0
	gql deploy --var "id=$1" && wait_deployed "$1" "$2" && CLEAN=1
}

# needs_deploy_after NAME WHAT: reads the main instance and checks that
# needsDeploy is true after WHAT, then deploys it again.
needs_deploy_after() {
	if [ "$CLEAN" != 1 ]; then
		skip "$1" "the instance could not be deployed before this check, so needsDeploy was already true"
	elif ! gql get_instance --var "id=$I1"; then
		fail "$1" "to read the instance after $2" "an error: $(gql_error)"
	else
		_nd=$(j .instance.needsDeploy)
		evid "$1" "after $2: needsDeploy=$_nd, deployedVersion=$(j .instance.deployedVersion)"
		if [ "$_nd" = true ]; then
			pass "$1" "needsDeploy is true after $2"
		else
			fail "$1" "needsDeploy true after $2" "needsDeploy=$_nd"
		fi
	fi
	gql get_instance --var "id=$I1"
	redeploy "$I1" "$(j .instance.integration.versionNumber)" ||
	    evid "$1" "(the deploy after this check did not complete: $(gql_error))"
}

# ---------------------------------------------------------------------------

setup_objects() {
	CUST="" INT_A="" INT_B=""
	if gql create_customer --var "name=prismsync-contract $RUN_ID customer" \
	    --var "externalId=prismsync-contract-$RUN_ID" \
	    --var "description=Created by prismsync's contract suite (run $RUN_ID); removed when the run ends." \
	    --var-json "labels=$(owner_labels)"; then
		CUST=$(j '.createCustomer.customer.id // empty')
		created customer "$CUST"
	else
		say "cannot create the customer: $(gql_error)"
		SETUP_ERROR="creating the customer: $(gql_error)"
	fi
	if gql import_integration --var "definition=$(definition main.yml 'first publish')"; then
		INT_A=$(j '.importIntegration.integration.id // empty')
		INT_A_LABELS=$(jc '.importIntegration.integration.labels')
		created integration "$INT_A"
	else
		say "cannot import the main integration: $(gql_error)"
		SETUP_ERROR="${SETUP_ERROR:+$SETUP_ERROR; }importing definitions/main.yml: $(gql_error)"
	fi
	: >"$W/ev/setup"
	evid setup "customer: ${CUST:-none}; main integration: ${INT_A:-none}, labels ${INT_A_LABELS:-none} (from the definition)"
	if [ -n "${SETUP_ERROR:-}" ]; then
		fail setup "a customer and an integration (public components only) to be created" "$SETUP_ERROR"
	else
		pass setup "created a customer and the main integration"
	fi
}

# publish numbering, and the time until a version is available.
check_publish() {
	N0="" V1="" V2=""
	need publish.first-number "$INT_A" "the main integration" || {
		skip publish.second-number "needs the main integration"
		skip publish.available "needs the main integration"
		return
	}
	gql draft --var "id=$INT_A"
	N0=$(j '.integration.versionNumber // empty')
	evid publish.first-number "draft versionNumber before the first publish: ${N0:-?}"
	if ! gql publish --var "id=$INT_A" --var "comment=prismsync contract run $RUN_ID, first publish"; then
		fail publish.first-number "publishIntegration to succeed" "an error: $(gql_error)"
		skip publish.second-number "the first publish failed"
		skip publish.available "the first publish failed"
		N0=""
		return
	fi
	P1=$(j '.publishIntegration.integration.versionNumber // empty')
	evid publish.first-number "publishIntegration payload: integration.versionNumber=$P1, id=$(j '.publishIntegration.integration.id')"
	if [ -n "$N0" ] && [ "$P1" = "$N0" ]; then
		pass publish.first-number "the draft said $N0 before the publish; the payload says $P1"
	else
		fail publish.first-number "the payload's versionNumber to be the draft's before the publish ($N0)" "$P1"
	fi

	if wait_available "$INT_A" "$N0"; then
		V1=$AVAIL_ID
		T1=$AVAIL_MS
		evid publish.available "version $N0: available after $T1 ms (id $V1)"
	else
		fail publish.available "version $N0 available within $PUBLISH_TIMEOUT s" "not available after $((AVAIL_MS / 1000)) s"
		skip publish.second-number "the first version never became available"
		return
	fi

	gql draft --var "id=$INT_A"
	N1=$(j '.integration.versionNumber // empty')
	evid publish.second-number "draft versionNumber after the first publish: $N1"
	if ! gql import_integration --var "definition=$(definition main.yml 'second publish')" --var "integrationId=$INT_A"; then
		fail publish.second-number "the second import to succeed" "an error: $(gql_error)"
		pass publish.available "version $N0 available after $T1 ms (bound $PUBLISH_TIMEOUT s)"
		return
	fi
	gql draft --var "id=$INT_A"
	N1b=$(j '.integration.versionNumber // empty')
	evid publish.second-number "draft versionNumber after the second import: $N1b"
	if ! gql publish --var "id=$INT_A" --var "comment=prismsync contract run $RUN_ID, second publish"; then
		fail publish.second-number "the second publish to succeed" "an error: $(gql_error)"
		pass publish.available "version $N0 available after $T1 ms (bound $PUBLISH_TIMEOUT s)"
		return
	fi
	P2=$(j '.publishIntegration.integration.versionNumber // empty')
	evid publish.second-number "second publishIntegration payload: integration.versionNumber=$P2"
	if [ "$P2" = $((N0 + 1)) ] && [ "$N1b" = "$P2" ]; then
		pass publish.second-number "the second publish got $P2 = $N0 + 1, the draft's number before it"
	else
		fail publish.second-number "$((N0 + 1)) (N+1, and the draft's number before the publish, $N1b)" "$P2"
	fi
	if wait_available "$INT_A" "$P2"; then
		V2=$AVAIL_ID
		V2N=$P2
		evid publish.available "version $P2: available after $AVAIL_MS ms (id $V2)"
		pass publish.available "available after $T1 ms and $AVAIL_MS ms (bound $PUBLISH_TIMEOUT s)"
	else
		fail publish.available "version $P2 available within $PUBLISH_TIMEOUT s" "not available after $((AVAIL_MS / 1000)) s"
	fi
}

# needsDeploy, deployInstance, deployedVersion, write-only connection inputs.
# The checks of check_instance, in the order they run.
INSTANCE_CHECKS="needs-deploy.after-create deploy.never-deployed-is-0 connection.values-read-back
    connection.write-only deploy.returns deploy.reread needs-deploy.description
    needs-deploy.config-update-instance needs-deploy.config-partial config.partial-keeps-others
    needs-deploy.version deploy.reread-new-version execution.test-flow needs-deploy.enable-disable
    connection.values-replace-all"

check_instance() {
	I1=""
	for c in $INSTANCE_CHECKS; do
		: >"$W/ev/$c"
	done
	if [ -z "$CUST" ] || [ -z "$V1" ]; then
		for c in $INSTANCE_CHECKS; do
			skip "$c" "needs the customer and an available version of the main integration"
		done
		return
	fi
	if ! gql create_instance --var "name=prismsync-contract $RUN_ID instance main" --var "integration=$V1" \
	    --var "customer=$CUST" --var "description=prismsync contract run $RUN_ID" \
	    --var-json "labels=$(owner_labels)" --var-json "configVariables=$(main_config one)"; then
		fail needs-deploy.after-create "createInstance to succeed" "an error: $(gql_error)"
		for c in $INSTANCE_CHECKS; do
			[ "$c" = needs-deploy.after-create ] || skip "$c" "the instance could not be created"
		done
		return
	fi
	I1=$(j '.createInstance.instance.id // empty')
	created instance "$I1"
	evid needs-deploy.after-create "createInstance payload: needsDeploy=$(j .createInstance.instance.needsDeploy), deployedVersion=$(j .createInstance.instance.deployedVersion)"

	if ! gql get_instance --var "id=$I1"; then
		fail needs-deploy.after-create "to read the new instance" "an error: $(gql_error)"
		fail deploy.never-deployed-is-0 "to read the new instance" "an error: $(gql_error)"
	fi
	nd=$(j .instance.needsDeploy)
	dv=$(j .instance.deployedVersion)
	bound=$(j .instance.integration.versionNumber)
	evid needs-deploy.after-create "re-read: needsDeploy=$nd, configState=$(j .instance.configState)"
	if [ -z "$nd" ]; then
		:
	elif [ "$nd" = true ]; then
		pass needs-deploy.after-create "needsDeploy is true after createInstance"
	else
		fail needs-deploy.after-create "needsDeploy true after createInstance" "needsDeploy=$nd"
	fi
	evid deploy.never-deployed-is-0 "deployedVersion before any deploy: $dv; lastDeployedAt: $(j .instance.lastDeployedAt)"
	if [ -z "$nd" ]; then
		:
	elif [ "$dv" = 0 ]; then
		pass deploy.never-deployed-is-0 "deployedVersion is 0 before the first deploy"
	else
		fail deploy.never-deployed-is-0 "deployedVersion 0 (Int!) before the first deploy" "$dv"
	fi

	# Connection inputs written through `values`, read back through `inputs`.
	check_connection_inputs
	# What deployInstance returns, and what a re-read shows.
	if gql deploy --var "id=$I1"; then
		evid deploy.returns "payload: errors=$(jc '.deployInstance.errors' | tr -d '\n'); instance.id is the instance: $([ "$(j .deployInstance.instance.id)" = "$I1" ] && echo yes || echo no)"
		evid deploy.returns "payload: needsDeploy=$(j .deployInstance.instance.needsDeploy), deployedVersion=$(j .deployInstance.instance.deployedVersion), lastDeployedAt=$(j .deployInstance.instance.lastDeployedAt)"
		if [ "$(j .deployInstance.instance.id)" = "$I1" ]; then
			pass deploy.returns "returns the instance (needsDeploy=$(j .deployInstance.instance.needsDeploy), deployedVersion=$(j .deployInstance.instance.deployedVersion) in the payload)"
		else
			fail deploy.returns "the deployed instance in the payload" "$(jc .deployInstance | tr -d '\n' | head -c 300)"
		fi
		if wait_deployed "$I1" "$bound"; then
			CLEAN=1
			evid deploy.reread "re-read after $DEPLOY_MS ms: needsDeploy=false, deployedVersion=$bound (bound version $bound)"
			pass deploy.reread "a re-read shows needsDeploy false and deployedVersion $bound (after $DEPLOY_MS ms)"
		else
			fail deploy.reread "needsDeploy false and deployedVersion $bound within $DEPLOY_TIMEOUT s" \
			    "needsDeploy=$(j .instance.needsDeploy), deployedVersion=$(j .instance.deployedVersion) $(gql_error)"
		fi
	else
		fail deploy.returns "deployInstance to succeed" "an error: $(gql_error)"
		skip deploy.reread "the deploy failed"
	fi

	# When needsDeploy is set.
	if gql update_instance --var-json "input=$(jq -nc --arg id "$I1" --arg d "prismsync contract run $RUN_ID (description changed)" '{id: $id, description: $d}')"; then
		needs_deploy_after needs-deploy.description "updateInstance of the description"
	else
		fail needs-deploy.description "updateInstance to succeed" "an error: $(gql_error)"
	fi
	if gql update_instance --var-json "input=$(jq -nc --arg id "$I1" --argjson cv "$(main_config two)" '{id: $id, configVariables: $cv}')"; then
		needs_deploy_after needs-deploy.config-update-instance "updateInstance of the config variables"
	else
		fail needs-deploy.config-update-instance "updateInstance to succeed" "an error: $(gql_error)"
	fi
	if gql update_config --var "id=$I1" --var-json 'configVariables=[{"key": "Contract Note", "value": "three"}]'; then
		needs_deploy_after needs-deploy.config-partial "updateInstanceConfigVariables of one plain variable"
		: >"$W/ev/config.partial-keeps-others"
		if gql get_config --var "id=$I1"; then
			note=$(cv 'Contract Note' .value)
			host=$(input 'SFTP Connection' host | cut -f1)
			evid config.partial-keeps-others "after updateInstanceConfigVariables of Contract Note alone: Contract Note=$note, SFTP Connection host=$host, status=$(cv 'SFTP Connection' .status)"
			if [ "$note" = three ] && [ "$host" = sftp.invalid ]; then
				pass config.partial-keeps-others "updateInstanceConfigVariables changed only the variable listed"
			else
				fail config.partial-keeps-others "Contract Note=three and the connection untouched (host sftp.invalid)" "Contract Note=$note, host=$host"
			fi
		else
			fail config.partial-keeps-others "to read the config variables" "an error: $(gql_error)"
		fi
	else
		skip config.partial-keeps-others "updateInstanceConfigVariables failed"
		fail needs-deploy.config-partial "updateInstanceConfigVariables to succeed" "an error: $(gql_error)"
	fi
	if [ -z "$V2" ]; then
		skip needs-deploy.version "needs a second available version"
		skip deploy.reread-new-version "needs a second available version"
	elif gql update_instance --var-json "input=$(jq -nc --arg id "$I1" --arg v "$V2" '{id: $id, integration: $v}')"; then
		gql get_instance --var "id=$I1"
		nd=$(j .instance.needsDeploy)
		evid needs-deploy.version "after updateInstance to version $V2N: needsDeploy=$nd, bound version $(j .instance.integration.versionNumber), deployedVersion=$(j .instance.deployedVersion)"
		if [ "$CLEAN" != 1 ]; then
			skip needs-deploy.version "the instance could not be deployed before this check, so needsDeploy was already true"
		elif [ "$nd" = true ]; then
			pass needs-deploy.version "needsDeploy is true after updateInstance of the version"
		else
			fail needs-deploy.version "needsDeploy true after updateInstance of the version" "needsDeploy=$nd"
		fi
		if gql deploy --var "id=$I1" && wait_deployed "$I1" "$V2N"; then
			evid deploy.reread-new-version "re-read after $DEPLOY_MS ms: needsDeploy=false, deployedVersion=$V2N, bound version $(j .instance.integration.versionNumber)"
			pass deploy.reread-new-version "after the deploy, a re-read shows deployedVersion $V2N, the new bound version"
		else
			fail deploy.reread-new-version "needsDeploy false and deployedVersion $V2N" \
			    "needsDeploy=$(j .instance.needsDeploy), deployedVersion=$(j .instance.deployedVersion) $(gql_error)"
		fi
	else
		fail needs-deploy.version "updateInstance of the version to succeed" "an error: $(gql_error)"
		skip deploy.reread-new-version "the version could not be changed"
	fi

	check_test_flow

	# Enabling or disabling alone: nobody knows, so this reports what it saw.
	gql get_instance --var "id=$I1"
	before=$(j .instance.needsDeploy)
	seen=""
	for enabled in false true; do
		if gql update_instance --var-json "input=$(jq -nc --arg id "$I1" --argjson e "$enabled" '{id: $id, enabled: $e}')" &&
		    gql get_instance --var "id=$I1"; then
			seen="$seen ${enabled}:$(j .instance.needsDeploy)"
		else
			seen="$seen ${enabled}:error"
			evid needs-deploy.enable-disable "enabled=$enabled: $(gql_error)"
		fi
	done
	set -- $seen
	evid needs-deploy.enable-disable "needsDeploy before: $before; after disabling: ${1#*:}; after enabling again: ${2#*:}"
	case "$seen" in
	*error*) fail needs-deploy.enable-disable "updateInstance of enabled alone to succeed" "an error" ;;
	*) pass needs-deploy.enable-disable "observed (not a requirement): needsDeploy ${1#*:} after disabling, ${2#*:} after enabling (was $before)" ;;
	esac

	# A connection's `values` replace its inputs as a whole: inputs left out
	# go back to the definition's default.
	: >"$W/ev/connection.values-replace-all"
	if ! gql update_config --var "id=$I1" --var-json "configVariables=$(jq -nc '[{key: "SFTP Connection",
	    values: ([{name: "host", type: "value", value: "sftp2.invalid"}] | tojson)}]')"; then
		fail connection.values-replace-all "updateInstanceConfigVariables of the connection with one input to succeed" "an error: $(gql_error)"
	elif ! gql get_config --var "id=$I1"; then
		fail connection.values-replace-all "to read the config variables" "an error: $(gql_error)"
	else
		host=$(input 'SFTP Connection' host | cut -f1)
		user=$(input 'SFTP Connection' username)
		pwh=$(input 'SFTP Connection' password | cut -f2)
		evid connection.values-replace-all "after values with host alone: host=$host; username=$(printf '%s' "$user" | cut -f1) (hasValue $(printf '%s' "$user" | cut -f2)); password hasValue=$pwh; port=$(input 'SFTP Connection' port | cut -f1)"
		if [ "$host" = sftp2.invalid ] && [ -z "$(printf '%s' "$user" | cut -f1)" ] && [ "$pwh" = false ]; then
			pass connection.values-replace-all "the inputs left out went back to the definition's defaults (username \"\", no password)"
		elif [ "$host" = sftp2.invalid ]; then
			fail connection.values-replace-all "inputs left out of values reset to the definition's default" \
			    "username=$(printf '%s' "$user" | cut -f1), password hasValue=$pwh (kept: values merge into the inputs)"
		else
			fail connection.values-replace-all "host=sftp2.invalid" "host=$host"
		fi
	fi
}

# check_test_flow: Test Flow on the deployed main instance, then Get
# Execution until it ends: while it runs, status PENDING (or QUEUED) and
# endedAt null; once ended, SUCCESS with no error or ERROR with one. What
# rollouts rely on to verify a wave.
check_test_flow() {
	: >"$W/ev/execution.test-flow"
	if ! gql flow_configs --var "id=$I1"; then
		fail execution.test-flow "to read the instance's flow configs" "an error: $(gql_error)"
		return
	fi
	fc=$(j '.instance.flowConfigs.nodes[] | select(.flow.name == "Receive") | .id' | head -n 1)
	if [ -z "$fc" ]; then
		fail execution.test-flow "a flow config for the flow Receive" "$(jc '.instance.flowConfigs.nodes' | head -c 300)"
		return
	fi
	if ! gql test_flow --var "id=$fc" --var 'payload={"contract": true}' --var contentType=application/json ||
	    [ -z "$(j '.testInstanceFlowConfig.testInstanceFlowConfigResult.execution.id // empty')" ]; then
		fail execution.test-flow "testInstanceFlowConfig to start an execution" "$(gql_error) $(jc .testInstanceFlowConfig | head -c 300)"
		return
	fi
	ex=$(j .testInstanceFlowConfig.testInstanceFlowConfigResult.execution.id)
	evid execution.test-flow "testInstanceFlowConfig: statusCode=$(j .testInstanceFlowConfig.testInstanceFlowConfigResult.statusCode), execution $ex"
	seen="" end=$(($(date +%s) + 120))
	while :; do
		if ! gql execution --var "id=$ex"; then
			fail execution.test-flow "to read execution $ex" "an error: $(gql_error)"
			return
		fi
		st=$(j .executionResult.status) ended=$(j '.executionResult.endedAt // empty') err=$(j '.executionResult.error // empty')
		case " $seen " in *" $st "*) ;; *) seen="$seen $st" ;; esac
		[ -n "$ended" ] || [ "$(date +%s)" -ge "$end" ] && break
		sleep 1
	done
	evid execution.test-flow "statuses seen:$seen; ended at ${ended:-(not within 120 s)}; error: ${err:-none}"
	if [ -z "$ended" ]; then
		fail execution.test-flow "the test execution to end within 120 s" "status $st"
	elif { [ "$st" = SUCCESS ] && [ -z "$err" ]; } || { [ "$st" = ERROR ] && [ -n "$err" ]; }; then
		pass execution.test-flow "the execution ran (${seen# }) and ended in $st${err:+ with its error}"
	else
		fail execution.test-flow "SUCCESS without an error, or ERROR with one, once endedAt is set" "status $st, error '${err}'"
	fi
}

# check_connection_inputs: the main instance's SFTP connection, written
# through `values`, read back through `inputs`; its password write-only.
check_connection_inputs() {
	if ! gql get_config --var "id=$I1"; then
		fail connection.values-read-back "to read the connection inputs" "an error: $(gql_error)"
		fail connection.write-only "to read the connection inputs" "an error: $(gql_error)"
		return
	fi
	evid connection.values-read-back "SFTP Connection: status=$(cv 'SFTP Connection' .status), dataType=$(cv 'SFTP Connection' .requiredConfigVariable.dataType)"
	cv "SFTP Connection" '.inputs.nodes[]? | "input \(.name): value=\(.value | tojson) hasValue=\(.hasValue)"' |
	    grep -v '^input password:' >>"$W/ev/connection.values-read-back"
	got="$(input 'SFTP Connection' host | cut -f1) $(input 'SFTP Connection' username | cut -f1) $(input 'SFTP Connection' port | cut -f1)"
	if [ "$got" = "sftp.invalid prismsync-contract 22" ]; then
		pass connection.values-read-back "host, username and port written through values read back through inputs"
	else
		fail connection.values-read-back "inputs host, username, port = sftp.invalid prismsync-contract 22" "'$got'"
	fi
	pw=$(input "SFTP Connection" password)
	pwv=$(printf '%s' "$pw" | cut -f1)
	pwh=$(printf '%s' "$pw" | cut -f2)
	if [ -z "$pw" ]; then
		fail connection.write-only "an input named password with value \"\" and hasValue true" "no such input"
	elif [ -z "$pwv" ] && [ "$pwh" = true ]; then
		evid connection.write-only 'input password: value="" hasValue=true'
		pass connection.write-only "the password input reads back with value \"\" and hasValue true"
	elif [ "$pwv" = "$SFTP_PASSWORD" ]; then
		evid connection.write-only "input password: the (made-up) value written was returned; hasValue=$pwh"
		fail connection.write-only "value \"\" and hasValue true (write-only)" "the value written, returned as is (not write-only)"
	else
		evid connection.write-only "input password: value of ${#pwv} characters (not the one written), hasValue=$pwh"
		fail connection.write-only "value \"\" and hasValue true" "another value, hasValue=$pwh"
	fi
}

# An OAuth 2.0 connection waits for a person.
check_oauth() {
	I2=""
	gql import_integration --var "definition=$(definition oauth.yml 'OAuth 2.0 connection')" || {
		for c in oauth.pending oauth.deploy-while-pending oauth.authorized; do
			: >"$W/ev/$c"
			evid "$c" "importing definitions/oauth.yml: $(gql_error)"
			skip "$c" "the OAuth integration could not be imported: $(gql_error)"
		done
		return
	}
	INT_B=$(j '.importIntegration.integration.id // empty')
	created integration "$INT_B"
	gql draft --var "id=$INT_B"
	nb=$(j '.integration.versionNumber // empty')
	if [ -z "$CUST" ] || ! gql publish --var "id=$INT_B" --var "comment=prismsync contract run $RUN_ID" ||
	    ! wait_available "$INT_B" "$nb"; then
		for c in oauth.pending oauth.deploy-while-pending oauth.authorized; do
			skip "$c" "needs the customer and a published, available OAuth integration ($(gql_error))"
		done
		return
	fi
	vb=$AVAIL_ID
	if ! gql create_instance --var "name=prismsync-contract $RUN_ID instance oauth" --var "integration=$vb" \
	    --var "customer=$CUST" --var "description=prismsync contract run $RUN_ID" \
	    --var-json "labels=$(owner_labels)" --var-json "configVariables=$(oauth_config)"; then
		fail oauth.pending "createInstance with the client inputs to succeed" "an error: $(gql_error)"
		skip oauth.deploy-while-pending "no instance"
		skip oauth.authorized "no instance"
		return
	fi
	I2=$(j '.createInstance.instance.id // empty')
	created instance "$I2"
	gql get_instance --var "id=$I2"
	st=$(cv "Slack Connection" .status)
	evid oauth.pending "Slack Connection status=$st; configState=$(j .instance.configState)"
	if gql get_config --var "id=$I2"; then
		cv "Slack Connection" '.inputs.nodes[]? | "input \(.name): value=\(if .name == "clientSecret" then "(\(.value | length) characters)" else (.value | tojson) end) hasValue=\(.hasValue)"' \
		    >>"$W/ev/oauth.pending"
	else
		evid oauth.pending "inputs: $(gql_error)"
	fi
	if gql authorize_url --var "id=$I2"; then
		au=$(j '.instance.configVariables.nodes[] | select(.requiredConfigVariable.key == "Slack Connection") | .authorizeUrl // empty')
		evid oauth.pending "authorizeUrl: $([ -n "$au" ] && echo "a URL on $(printf '%s' "$au" | sed -E 's|^[a-z]+://([^/]*).*|\1|')" || echo none)"
	else
		evid oauth.pending "authorizeUrl: $(gql_error)"
	fi
	if [ "$st" = PENDING ]; then
		pass oauth.pending "status PENDING after the client inputs were set"
	else
		fail oauth.pending "status PENDING after the client inputs were set" "status=$st"
	fi

	# What deploying a pending connection does is not known: report it.
	if [ "$st" != PENDING ]; then
		skip oauth.deploy-while-pending "the connection was not pending (status $st)"
	elif gql deploy --var "id=$I2"; then
		evid oauth.deploy-while-pending "deployInstance succeeded: needsDeploy=$(j .deployInstance.instance.needsDeploy), deployedVersion=$(j .deployInstance.instance.deployedVersion)"
		pass oauth.deploy-while-pending "observed (not a requirement): deployInstance accepted the instance while its connection was pending"
	else
		evid oauth.deploy-while-pending "deployInstance refused: $(gql_error)"
		pass oauth.deploy-while-pending "observed (not a requirement): deployInstance refused: $(gql_error | head -c 160)"
	fi

	if [ "$EMULATOR" != 1 ]; then
		skip oauth.authorized "needs a person: authorizing the connection happens in the Prismatic app"
		return
	fi
	body=$(jq -nc --arg i "$I2" '{instance: $i, key: "Slack Connection"}')
	code=$(curl_api -sS --max-time 30 -o "$W/authorize.out" -w '%{http_code}' -X POST \
	    -H 'Content-Type: application/json' --data-binary "$body" "$PRISMATIC_URL/__emulator/authorize" 2>/dev/null)
	evid oauth.authorized "POST /__emulator/authorize: HTTP $code $(head -c 200 "$W/authorize.out")"
	gql get_instance --var "id=$I2"
	st=$(cv "Slack Connection" .status)
	evid oauth.authorized "afterwards: status=$st, configState=$(j .instance.configState)"
	if [ "$st" = ACTIVE ]; then
		pass oauth.authorized "emulator: ACTIVE once authorized through /__emulator/authorize"
	else
		fail oauth.authorized "status ACTIVE after /__emulator/authorize" "status=$st (HTTP $code)"
	fi
}

# Where errors sit: top level, in the payload, or as HTTP statuses.
check_errors() {
	for c in errors.unknown-id errors.invalid-input errors.success-empty errors.bad-token; do : >"$W/ev/$c"; done
	unknown=$(printf 'Instance:00000000-0000-4000-8000-00000000c0de' | base64 | tr -d '\n')
	if ! raw_gql unknown_instance "$(jq -nc --arg id "$unknown" '{id: $id}')"; then
		skip errors.unknown-id "no access token for raw requests (set PRISM_ACCESS_TOKEN or a refresh token)"
	else
		msg=$(jq -r '.errors[0].message // empty' "$W/raw.body" 2>/dev/null)
		field=$(jq -c 'if .data == null then "data: null" else .data.instance end' "$W/raw.body" 2>/dev/null)
		evid errors.unknown-id "instance(id: <unknown>): HTTP $RAW_STATUS; errors[0].message=\"$msg\"; instance=$field"
		[ -n "$msg" ] || evid_file errors.unknown-id "$W/raw.body" 600
		if [ "$RAW_STATUS" = 200 ] && printf '%s' "$msg" | grep -Eqi 'not found|does not exist' &&
		    { [ "$field" = null ] || [ "$field" = '"data: null"' ]; }; then
			pass errors.unknown-id "top-level error \"$msg\", the field null"
		else
			fail errors.unknown-id "HTTP 200, a top-level \"Record not found\"-like error and the field null" \
			    "HTTP $RAW_STATUS, message \"$msg\", field $field"
		fi
	fi

	if [ -z "$CUST" ]; then
		skip errors.invalid-input "needs the customer"
		skip errors.success-empty "needs the customer"
	elif raw_gql update_customer "$(jq -nc --arg id "$CUST" '{id: $id, name: ""}')"; then
		errs=$(jq -c '.data.updateCustomer.errors' "$W/raw.body" 2>/dev/null)
		evid errors.invalid-input "updateCustomer(name: \"\"): HTTP $RAW_STATUS; payload errors=$errs; top-level errors=$(jq -c '.errors // []' "$W/raw.body" 2>/dev/null)"
		if jq -e '.data.updateCustomer.errors | length > 0 and all(.[]; (.field | type) == "string" and (.messages | type) == "array")' "$W/raw.body" >/dev/null 2>&1; then
			pass errors.invalid-input "payload errors {field, messages}: $(jq -r '.data.updateCustomer.errors | map("\(.field): \(.messages | join(" "))") | join("; ")' "$W/raw.body")"
		else
			fail errors.invalid-input "an invalid input reported in the payload's errors {field messages}" "$(head -c 300 "$W/raw.body")"
			gql update_customer --var "id=$CUST" --var "name=prismsync-contract $RUN_ID customer" # put the name back
		fi
		raw_gql update_customer "$(jq -nc --arg id "$CUST" --arg d "prismsync contract run $RUN_ID (checked)" '{id: $id, description: $d}')"
		evid errors.success-empty "updateCustomer(description): HTTP $RAW_STATUS; payload errors=$(jq -c '.data.updateCustomer.errors' "$W/raw.body" 2>/dev/null)"
		if jq -e '.data.updateCustomer.errors == [] and .data.updateCustomer.customer.id != null' "$W/raw.body" >/dev/null 2>&1; then
			pass errors.success-empty "a successful mutation has errors: []"
		else
			fail errors.success-empty "errors: [] beside the object" "$(head -c 300 "$W/raw.body")"
		fi
	else
		skip errors.invalid-input "no access token for raw requests"
		skip errors.success-empty "no access token for raw requests"
	fi

	check_batch "$unknown"

	jq -n --rawfile q "$CONTRACT_DIR/graphql/whoami.graphql" '{query: $q, variables: {}}' >"$W/bad.req"
	raw_post "$W/bad.req" invalid "$W/bad"
	msg=$(jq -r '.errors[0].message // empty' "$W/bad.body" 2>/dev/null)
	evid errors.bad-token "HTTP $RAW_STATUS; WWW-Authenticate: $(header WWW-Authenticate "$W/bad.headers"); errors[0].message=\"$msg\"; data=$(jq -c '.data' "$W/bad.body" 2>/dev/null | head -c 100)"
	if [ "$RAW_STATUS" = 401 ]; then
		pass errors.bad-token "HTTP 401${msg:+ (\"$msg\")}"
	elif [ "$RAW_STATUS" = 200 ] && printf '%s' "$msg" | grep -Eqi '(token|credential|authenticat).*(expired|invalid|not provided)|unauthori[sz]ed'; then
		pass errors.bad-token "HTTP 200 with a GraphQL auth error: \"$msg\""
	else
		fail errors.bad-token "HTTP 401, or a GraphQL error about the credentials" "HTTP $RAW_STATUS, \"$msg\""
	fi
}

# The apply lock's assumption (prismsync's lock is a customer with a reserved
# name): a create of a customer name in use is refused, also when two creates
# of one new name arrive at the same moment.
check_lock() {
	for c in lock.unique-name lock.simultaneous; do : >"$W/ev/$c"; done
	if [ -z "$CUST" ]; then
		skip lock.unique-name "needs the customer"
	elif gql create_customer --var "name=prismsync-contract $RUN_ID customer" \
	    --var-json "labels=$(owner_labels)"; then
		dup=$(j '.createCustomer.customer.id // empty')
		created customer "$dup"
		evid lock.unique-name "a second createCustomer(name: \"prismsync-contract $RUN_ID customer\") made $dup"
		fail lock.unique-name "a create of a customer name in use to be refused" "a second customer ($dup)"
	else
		evid lock.unique-name "a second createCustomer(name: <in use>): $(gql_error)"
		pass lock.unique-name "refused: $(gql_error)"
	fi

	_name="prismsync-contract $RUN_ID customer lock"
	for k in 1 2; do
		"$PRISMSYNC" api "@$CONTRACT_DIR/graphql/create_customer.graphql" --var "name=$_name" \
		    --var-json "labels=$(owner_labels)" >"$W/lock$k.json" 2>"$W/lock$k.err" &
		eval "_pid$k=\$!"
	done
	wait "$_pid1"
	wait "$_pid2"
	_made=""
	for k in 1 2; do
		_id=$(jq -r '.createCustomer.customer.id // empty' "$W/lock$k.json" 2>/dev/null)
		[ -n "$_id" ] && created customer "$_id" && _made="$_made $_id"
	done
	_won=$(echo $_made | wc -w)
	evid lock.simultaneous "two createCustomer(name: \"$_name\") sent at once: $_won created$_made; refusal: $(cat "$W/lock1.err" "$W/lock2.err" | tr '\n' ' ' | head -c 300)"
	if [ "$_won" = 1 ]; then
		pass lock.simultaneous "one created, the other refused"
	else
		fail lock.simultaneous "exactly one of two simultaneous creates of one name to succeed" "$_won succeeded"
	fi
	# Removed at once, so that the run's cleanup count stays what it was.
	for _id in $_made; do
		if gql delete_customer --var "id=$_id"; then
			grep -v "^customer $_id\$" "$W/created" >"$W/created.new"
			mv "$W/created.new" "$W/created"
		fi
	done
}

# Two mutations in one document (prismsync apply --batch-size): each alias
# answered on its own, the error of one (an unknown id) a top-level error
# whose path names it. A refusal of the whole document (no data, no path)
# also passes: prismsync then sends one mutation per request.
check_batch() {
	: >"$W/ev/errors.batch"
	if [ -z "$CUST" ]; then
		skip errors.batch "needs the customer"
		return
	fi
	if ! raw_gql batch_update_customer "$(jq -nc --arg id "$CUST" --arg u "$1" --arg d "prismsync contract run $RUN_ID (batched)" '{id0: $id, id1: $u, description: $d}')"; then
		skip errors.batch "no access token for raw requests"
		return
	fi
	evid errors.batch "m0: updateCustomer(customer), m1: updateCustomer(<unknown>): HTTP $RAW_STATUS; data=$(jq -c '.data' "$W/raw.body" 2>/dev/null | head -c 300); errors=$(jq -c '[.errors[]? | {message, path}]' "$W/raw.body" 2>/dev/null | head -c 300)"
	if jq -e '.data.m0.errors == [] and .data.m0.customer.id != null and .data.m1 == null and
	    ([.errors[]? | select(.path[0] == "m1")] | length > 0) and
	    ([.errors[]? | select((.path // [])[0] != "m1")] | length == 0)' "$W/raw.body" >/dev/null 2>&1; then
		pass errors.batch "both ran; the unknown id's error has path [\"m1\"], the other alias succeeded"
	elif [ "$RAW_STATUS" = 200 ] || [ "$RAW_STATUS" = 400 ] &&
	    jq -e '(.data == null) and (.errors | length > 0) and all(.errors[]; .path == null)' "$W/raw.body" >/dev/null 2>&1; then
		pass errors.batch "refused as a whole (\"$(jq -r '.errors[0].message' "$W/raw.body")\"): prismsync falls back to one mutation per request"
	else
		fail errors.batch "each alias answered on its own, or the document refused with no data" "HTTP $RAW_STATUS, $(head -c 300 "$W/raw.body")"
	fi
}

# 429 and Retry-After.
check_throttle() {
	: >"$W/ev/throttle.shape"
	if [ "$EMULATOR" = 1 ]; then
		if ! access_token; then
			skip throttle.shape "no access token for raw requests"
			return
		fi
		old=$(curl_api -sS --max-time 10 "$PRISMATIC_URL/__emulator/config" | jq -r '.rate_limit // 0')
		curl_api -sS --max-time 10 -o /dev/null -X POST -H 'Content-Type: application/json' \
		    --data-binary '{"rate_limit": 2}' "$PRISMATIC_URL/__emulator/config"
		jq -n --rawfile q "$CONTRACT_DIR/graphql/whoami.graphql" '{query: $q, variables: {}}' >"$W/burst.req"
		i=0
		while [ $i -lt 12 ]; do
			raw_post "$W/burst.req" valid "$W/burst.$i" &
			i=$((i + 1))
		done
		wait
		curl_api -sS --max-time 10 -o /dev/null -X POST -H 'Content-Type: application/json' \
		    --data-binary "{\"rate_limit\": $old}" "$PRISMATIC_URL/__emulator/config"
		n429=0 ra=""
		for f in "$W"/burst.*.headers; do
			if head -n 1 "$f" | grep -q ' 429'; then
				n429=$((n429 + 1))
				ra=$(header Retry-After "$f")
			fi
		done
		evid throttle.shape "emulator at 2 requests/s, 12 requests at once: $n429 answered 429; Retry-After: ${ra:-absent}"
		if [ "$n429" -gt 0 ] && printf '%s' "$ra" | grep -Eq '^[0-9]+$'; then
			pass throttle.shape "emulator: 429 with Retry-After: $ra"
		else
			fail throttle.shape "429 with a Retry-After in seconds" "$n429 429s, Retry-After '${ra:-absent}'"
		fi
		return
	fi
	# A real organization is never flooded: report what the run met.
	n=$(grep -c 'HTTP 429' "$W/requests.log" 2>/dev/null)
	if [ "${n:-0}" -eq 0 ]; then
		evid throttle.shape "$(wc -l <"$W/requests.log" | tr -d ' ') requests, none answered 429"
		skip throttle.shape "no 429 seen in this run's $(wc -l <"$W/requests.log" | tr -d ' ') requests (the suite does not flood a real organization)"
	else
		grep 'HTTP 429' "$W/requests.log" | head -n 10 >>"$W/ev/throttle.shape"
		pass throttle.shape "$n requests answered 429 (prismsync retried them; see the evidence for Retry-After)"
	fi
}

# The page limit, and offset pages against cursor pages.
check_pages() {
	for c in pages.limit-101-refused pages.limit-100-works pages.offset-small pages.offset-large; do : >"$W/ev/$c"; done
	if raw_gql components_first '{"first": 101}'; then
		msg=$(jq -r '.errors[0].message // empty' "$W/raw.body" 2>/dev/null)
		evid pages.limit-101-refused "components(first: 101): HTTP $RAW_STATUS; errors[0].message=\"$msg\"; nodes returned: $(jq -r '.data.components.nodes | length' "$W/raw.body" 2>/dev/null)"
		if [ -n "$msg" ]; then
			pass pages.limit-101-refused "refused: \"$msg\""
		else
			fail pages.limit-101-refused "first: 101 refused with an error" "HTTP $RAW_STATUS, $(jq -r '.data.components.nodes | length' "$W/raw.body" 2>/dev/null) nodes, no error"
		fi
		raw_gql components_first '{"first": 100}'
		total=$(jq -r '.data.components.totalCount // empty' "$W/raw.body" 2>/dev/null)
		got=$(jq -r '.data.components.nodes | length' "$W/raw.body" 2>/dev/null)
		msg=$(jq -r '.errors[0].message // empty' "$W/raw.body" 2>/dev/null)
		evid pages.limit-100-works "components(first: 100): HTTP $RAW_STATUS; $got nodes of totalCount $total; errors: ${msg:-none}"
		want=$total
		[ -n "$total" ] && [ "$total" -gt 100 ] && want=100
		if [ -z "$msg" ] && [ -n "$total" ] && [ "$got" = "$want" ]; then
			pass pages.limit-100-works "$got nodes of $total"
		else
			fail pages.limit-100-works "$want nodes and no error" "HTTP $RAW_STATUS, ${got:-no} nodes, error \"$msg\""
		fi
	else
		skip pages.limit-101-refused "no access token for raw requests"
		skip pages.limit-100-works "no access token for raw requests"
	fi
	compare_pages pages.offset-small 2 5
	compare_pages pages.offset-large 100 20
}

# compare_pages NAME SIZE MAXPAGES: walks components by cursor and by offset
# (same sort, pages of SIZE, at most MAXPAGES) and compares the ids with each
# other and with totalCount.
compare_pages() {
	: >"$W/pages.cursor"
	: >"$W/pages.offset"
	after="" pages=0 total=""
	while [ $pages -lt "$3" ]; do
		if [ -n "$after" ]; then
			gql components_cursor --var-json "first=$2" --var "after=$after" || break
		else
			gql components_cursor --var-json "first=$2" || break
		fi
		pages=$((pages + 1))
		total=$(j .components.totalCount)
		j '.components.nodes[].id' >>"$W/pages.cursor"
		[ "$(j .components.pageInfo.hasNextPage)" = true ] || break
		after=$(j .components.pageInfo.endCursor)
	done
	if [ $pages -eq 0 ]; then
		fail "$1" "cursor pages of components" "an error: $(gql_error)"
		return
	fi
	offset=0 opages=0 ototal=""
	while [ $opages -lt $pages ]; do
		if ! gql components_offset --var-json "first=$2" --var-json "offset=$offset"; then
			fail "$1" "offset pages of components (first: $2, offset: $offset)" "an error: $(gql_error)"
			return
		fi
		ototal=$(j .components.totalCount)
		j '.components.nodes[].id' >>"$W/pages.offset"
		opages=$((opages + 1))
		offset=$((offset + $2))
	done
	nc=$(wc -l <"$W/pages.cursor" | tr -d ' ')
	no=$(wc -l <"$W/pages.offset" | tr -d ' ')
	dup=$(sort "$W/pages.cursor" | uniq -d | wc -l | tr -d ' ')
	evid "$1" "components sorted by LABEL, pages of $2: $pages cursor page(s) with $nc ids, $opages offset page(s) with $no ids; totalCount $total (by offset: $ototal); $dup duplicate id(s)"
	if ! cmp -s "$W/pages.cursor" "$W/pages.offset"; then
		evid "$1" "first difference: $(diff "$W/pages.cursor" "$W/pages.offset" | head -n 3 | tr '\n' ' ')"
		fail "$1" "the same ids in the same order by cursor and by offset" "$nc ids by cursor, $no by offset, differing"
	elif [ "$total" != "$ototal" ] || [ "$dup" != 0 ]; then
		fail "$1" "one totalCount and no duplicates" "totalCount $total / $ototal, $dup duplicates"
	elif [ $pages -lt "$3" ] && [ "$nc" != "$total" ]; then
		fail "$1" "all $total ids when walking to the end" "$nc"
	else
		pass "$1" "$nc ids in $pages page(s) of $2 agree by cursor and by offset (totalCount $total)"
	fi
}
