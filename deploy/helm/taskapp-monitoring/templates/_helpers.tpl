{{- define "taskapp-monitoring.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "taskapp-monitoring.fullname" -}}
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

{{- define "taskapp-monitoring.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "taskapp-monitoring.selectorLabels" -}}
app.kubernetes.io/name: {{ include "taskapp-monitoring.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Standard labels, plus the release label kube-prometheus-stack selects on. */}}
{{- define "taskapp-monitoring.labels" -}}
helm.sh/chart: {{ include "taskapp-monitoring.chart" . }}
{{ include "taskapp-monitoring.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: monitoring
app.kubernetes.io/part-of: taskapp
app.kubernetes.io/managed-by: {{ .Release.Service }}
taskapp.io/environment: {{ .Values.environment }}
release: {{ .Values.prometheusRelease }}
{{- end }}

{{/* A DNS-1123 name from a file name: rules/http-errors.yaml -> http-errors */}}
{{- define "taskapp-monitoring.fileStem" -}}
{{- $stem := base . | trimSuffix (ext .) | lower }}
{{- regexReplaceAll "[^a-z0-9-]+" $stem "-" | trimAll "-" }}
{{- end }}

{{- define "taskapp-monitoring.alertmanagerSecretName" -}}
{{- .Values.alertmanagerConfig.secret.existingSecret | default .Values.alertmanagerConfig.secretName }}
{{- end }}
