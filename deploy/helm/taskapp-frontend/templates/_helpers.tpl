{{/* Chart name, truncated to the 63 characters a label allows. */}}
{{- define "taskapp-frontend.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified name: the release name when it already contains the chart name. */}}
{{- define "taskapp-frontend.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "taskapp-frontend.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's pods (API, migration Job, backup) share these two labels. */}}
{{- define "taskapp-frontend.instanceLabels" -}}
app.kubernetes.io/name: {{ include "taskapp-frontend.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Selector labels of the web pods: stable for the life of a release (never the version), and
     with the component so the Service never sends traffic to a pod of another component. */}}
{{- define "taskapp-frontend.selectorLabels" -}}
{{ include "taskapp-frontend.instanceLabels" . }}
app.kubernetes.io/component: web
{{- end }}

{{/* Standard labels without the component (jobs add their own). */}}
{{- define "taskapp-frontend.commonLabels" -}}
helm.sh/chart: {{ include "taskapp-frontend.chart" . }}
{{ include "taskapp-frontend.instanceLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | quote }}
app.kubernetes.io/part-of: taskapp
app.kubernetes.io/managed-by: {{ .Release.Service }}
taskapp.io/environment: {{ .Values.environment }}
{{- end }}

{{/* Standard labels of the API's objects. */}}
{{- define "taskapp-frontend.labels" -}}
{{ include "taskapp-frontend.commonLabels" . }}
app.kubernetes.io/component: web
{{- end }}

{{- define "taskapp-frontend.image" -}}
{{- if or (not .Values.image.tag) (eq .Values.image.tag "latest") }}
{{- fail "image.tag must be set to a commit SHA or a release tag (never empty or latest)" }}
{{- end }}
{{- printf "%s:%s" .Values.image.repository .Values.image.tag }}
{{- end }}

{{/* Pod Security "restricted" container context. */}}
{{- define "taskapp-frontend.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: 10101
runAsGroup: 10101
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "taskapp-frontend.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10101
runAsGroup: 10101
fsGroup: 10101
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* nginx's upload-origins.conf (frontend/nginx/): the origins appended to the CSP's connect-src
     and form-action. */}}
{{- define "taskapp-frontend.uploadOriginsConf" -}}
map $host $upload_origins {
  default "{{ join " " .Values.contentSecurityPolicy.uploadOrigins }}";
}
{{- end }}
