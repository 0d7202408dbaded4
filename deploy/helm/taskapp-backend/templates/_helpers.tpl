{{/* Chart name, truncated to the 63 characters a label allows. */}}
{{- define "taskapp-backend.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified name: the release name when it already contains the chart name. */}}
{{- define "taskapp-backend.fullname" -}}
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

{{- define "taskapp-backend.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's pods (API, migration Job, backup) share these two labels. */}}
{{- define "taskapp-backend.instanceLabels" -}}
app.kubernetes.io/name: {{ include "taskapp-backend.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Selector labels of the API pods: stable for the life of a release (never the version), and
     with the component so the Service never sends traffic to a migration or backup pod. */}}
{{- define "taskapp-backend.selectorLabels" -}}
{{ include "taskapp-backend.instanceLabels" . }}
app.kubernetes.io/component: api
{{- end }}

{{/* Standard labels without the component (jobs add their own). */}}
{{- define "taskapp-backend.commonLabels" -}}
helm.sh/chart: {{ include "taskapp-backend.chart" . }}
{{ include "taskapp-backend.instanceLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | quote }}
app.kubernetes.io/part-of: taskapp
app.kubernetes.io/managed-by: {{ .Release.Service }}
taskapp.io/environment: {{ .Values.environment }}
{{- end }}

{{/* Standard labels of the API's objects. */}}
{{- define "taskapp-backend.labels" -}}
{{ include "taskapp-backend.commonLabels" . }}
app.kubernetes.io/component: api
{{- end }}

{{- define "taskapp-backend.image" -}}
{{- if or (not .Values.image.tag) (eq .Values.image.tag "latest") }}
{{- fail "image.tag must be set to a commit SHA or a release tag (never empty or latest)" }}
{{- end }}
{{- printf "%s:%s" .Values.image.repository .Values.image.tag }}
{{- end }}

{{- define "taskapp-backend.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "taskapp-backend.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Name of the Secret with database_url, redis_url, secret_key. */}}
{{- define "taskapp-backend.secretName" -}}
{{- if .Values.secret.existingSecret }}
{{- .Values.secret.existingSecret }}
{{- else if .Values.secret.externalSecret.enabled }}
{{- include "taskapp-backend.fullname" . }}
{{- else }}
{{- fail "set secret.existingSecret or enable secret.externalSecret: the backend needs database_url, redis_url and secret_key" }}
{{- end }}
{{- end }}

{{/* The non-secret settings, as a map (ConfigMap data and the migration Job's env). */}}
{{- define "taskapp-backend.configData" -}}
TASKAPP_ENV: {{ .Values.config.env | quote }}
TASKAPP_CORS_ORIGINS: {{ .Values.config.corsOrigins | quote }}
{{- with .Values.config.publicUrl }}
TASKAPP_PUBLIC_URL: {{ . | quote }}
{{- end }}
TASKAPP_ACCESS_TOKEN_TTL: {{ .Values.config.accessTokenTtl | quote }}
TASKAPP_REFRESH_TOKEN_TTL: {{ .Values.config.refreshTokenTtl | quote }}
TASKAPP_LOG_LEVEL: {{ .Values.config.logLevel | quote }}
TASKAPP_KEEPALIVE_SECONDS: {{ .Values.config.keepAliveSeconds | int | quote }}
{{- with .Values.config.smtp }}
{{- if .host }}
TASKAPP_SMTP_HOST: {{ .host | quote }}
TASKAPP_SMTP_PORT: {{ .port | int | quote }}
TASKAPP_SMTP_FROM: {{ .from | quote }}
TASKAPP_SMTP_STARTTLS: {{ .starttls | quote }}
{{- end }}
{{- end }}
{{- with .Values.config.attachments }}
{{- if .bucket }}
TASKAPP_ATTACHMENTS_BUCKET: {{ .bucket | quote }}
TASKAPP_ATTACHMENTS_REGION: {{ required "config.attachments.region is required with a bucket" .region | quote }}
{{- else }}
TASKAPP_ATTACHMENTS_DIR: "/tmp/attachments"
{{- end }}
TASKAPP_ATTACHMENTS_MAX_BYTES: {{ .maxBytes | int | quote }}
TASKAPP_ATTACHMENTS_QUOTA_BYTES: {{ .quotaBytes | int | quote }}
{{- end }}
{{- if .Values.config.otlpEndpoint }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ .Values.config.otlpEndpoint | quote }}
OTEL_SERVICE_NAME: {{ include "taskapp-backend.fullname" . | quote }}
OTEL_RESOURCE_ATTRIBUTES: {{ printf "deployment.environment=%s" .Values.environment | quote }}
{{- end }}
{{- end }}

{{/* Secret-backed env: the same keys for the API, the migration Job and the backup. */}}
{{- define "taskapp-backend.secretEnv" -}}
- name: TASKAPP_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "taskapp-backend.secretName" . }}
      key: database_url
- name: TASKAPP_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "taskapp-backend.secretName" . }}
      key: redis_url
- name: TASKAPP_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "taskapp-backend.secretName" . }}
      key: secret_key
{{- if and .Values.config.smtp.host (or .Values.secret.existingSecret .Values.secret.externalSecret.smtp.credentialsSecret) }}
{{- range $key := list "smtp_username" "smtp_password" }}
# Optional: an existing Secret for a relay that takes mail without credentials has none.
- name: {{ printf "TASKAPP_%s" (upper $key) }}
  valueFrom:
    secretKeyRef:
      name: {{ include "taskapp-backend.secretName" $ }}
      key: {{ $key }}
      optional: true
{{- end }}
{{- end }}
{{- end }}

{{/* Pod Security "restricted" container context. */}}
{{- define "taskapp-backend.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "taskapp-backend.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "taskapp-backend.backupServiceAccountName" -}}
{{- default (printf "%s-backup" (include "taskapp-backend.fullname" .)) .Values.backup.serviceAccount.name }}
{{- end }}

{{/* Selector labels of the worker pods (issue 19): the component keeps them apart from the API's,
     so neither's Service, HPA or PDB counts the other's pods. */}}
{{- define "taskapp-backend.workerSelectorLabels" -}}
{{ include "taskapp-backend.instanceLabels" . }}
app.kubernetes.io/component: worker
{{- end }}

{{- define "taskapp-backend.workerLabels" -}}
{{ include "taskapp-backend.commonLabels" . }}
app.kubernetes.io/component: worker
{{- end }}

{{- define "taskapp-backend.workerName" -}}
{{- printf "%s-worker" (include "taskapp-backend.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
