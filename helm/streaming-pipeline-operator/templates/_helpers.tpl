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

{{/*
The rules the operator needs wherever it reconciles pipelines, and no more: a test runs the operator's whole
lifecycle under them on a real API server and meets no 403, and meets one with any single rule removed
(ChartRbacOnApiServerTest). They include everything the driver's Role grants
(dev.insight.streaming.operator.rbac.OperatorAccess#driverRole): Kubernetes refuses to let the operator create a
Role granting more than it holds. The finalizers rule is needed where the OwnerReferencesPermissionEnforcement
admission plugin runs (OpenShift and other hardened clusters, and the tests): the operator's children carry
blockOwnerDeletion.
*/}}
{{- define "spo.watchRules" -}}
- apiGroups: ["streaming.insight.dev"]
  resources: ["streamingpipelines"]
  verbs: ["get", "list", "watch", "patch", "update"]
- apiGroups: ["streaming.insight.dev"]
  resources: ["streamingpipelines/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["streaming.insight.dev"]
  resources: ["streamingpipelines/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create"]
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]
- apiGroups: [""]
  resources: ["services", "serviceaccounts"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch", "create", "patch", "delete", "deletecollection"]
- apiGroups: ["rbac.authorization.k8s.io"]
  resources: ["roles", "rolebindings"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
{{- end -}}
