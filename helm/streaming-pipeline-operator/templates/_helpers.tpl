{{/* The chart name, overridable. */}}
{{- define "spo.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's full name, used for every object the chart creates. */}}
{{- define "spo.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "spo.selectorLabels" -}}
app.kubernetes.io/name: {{ include "spo.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "spo.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "spo.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "spo.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "spo.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The one ClusterRole every pipeline's driver ServiceAccount is bound to, in its own namespace. */}}
{{- define "spo.driverClusterRoleName" -}}
{{- printf "%s-driver" (include "spo.fullname" . | trunc 56 | trimSuffix "-") -}}
{{- end -}}

{{/*
The namespaces the operator watches, comma separated: the listed ones, or the release namespace alone.
Unused when clusterWide is on.
*/}}
{{- define "spo.watchedNamespaces" -}}
{{- if .Values.watchNamespaces -}}
{{- join "," .Values.watchNamespaces -}}
{{- else -}}
{{- .Release.Namespace -}}
{{- end -}}
{{- end -}}

{{/*
The rules the operator needs wherever it reconciles pipelines, and no more: a test runs the operator's whole
lifecycle under them on a real API server and meets no 403, and meets one with any single verb removed
(ChartRbacOnApiServerTest). The operator creates no Roles: each pipeline's driver gets a RoleBinding to the one
driver ClusterRole, which the API server lets the operator create because it may `bind` that ClusterRole (by
name, and no other), without holding the driver's rights itself. The finalizers rule is needed where the
OwnerReferencesPermissionEnforcement admission plugin runs (OpenShift and other hardened clusters, and the
tests): the operator's children carry blockOwnerDeletion. Secrets are listed and watched (metadata is all the
operator keeps) to restart a driver when a Secret its pipeline names changes; values are read by name.
*/}}
{{- define "spo.watchRules" -}}
- apiGroups: ["streaming.insight.dev"]
  resources: ["streamingpipelines"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["streaming.insight.dev"]
  resources: ["streamingpipelines/status"]
  verbs: ["update"]
- apiGroups: ["streaming.insight.dev"]
  resources: ["streamingpipelines/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create"]
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "create", "update"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "create", "update"]
- apiGroups: [""]
  resources: ["serviceaccounts"]
  verbs: ["get", "create", "update"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch", "create", "delete"]
- apiGroups: ["rbac.authorization.k8s.io"]
  resources: ["rolebindings"]
  verbs: ["get", "create", "update", "delete"]
- apiGroups: ["rbac.authorization.k8s.io"]
  resources: ["clusterroles"]
  verbs: ["bind"]
  resourceNames: [{{ include "spo.driverClusterRoleName" . | quote }}]
{{- end -}}

{{/*
What each pipeline's driver may do in its namespace: the rules of
dev.insight.streaming.operator.rbac.OperatorAccess#driverRole (ChartRbacTest compares them).
*/}}
{{- define "spo.driverRules" -}}
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["create", "delete", "deletecollection", "get", "list", "watch"]
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["create", "deletecollection"]
{{- end -}}
