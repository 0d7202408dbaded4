{{- define "taskapp-ingress.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "taskapp-ingress.fullname" -}}
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

{{- define "taskapp-ingress.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "taskapp-ingress.selectorLabels" -}}
app.kubernetes.io/name: {{ include "taskapp-ingress.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "taskapp-ingress.labels" -}}
helm.sh/chart: {{ include "taskapp-ingress.chart" . }}
{{ include "taskapp-ingress.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: ingress
app.kubernetes.io/part-of: taskapp
app.kubernetes.io/managed-by: {{ .Release.Service }}
taskapp.io/environment: {{ .Values.environment }}
{{- end }}

{{- define "taskapp-ingress.useAlb" -}}
{{- if eq .Values.className "alb" }}true{{ end }}
{{- end }}

{{- define "taskapp-ingress.validate" -}}
{{- if and (eq .Values.tls.mode "cert-manager") (eq .Values.className "alb") }}
{{- fail "tls.mode=cert-manager needs an in-cluster ingress controller (className other than alb): an ALB cannot use a Kubernetes TLS secret; use tls.mode=acm with the ALB" }}
{{- end }}
{{- if and (eq .Values.tls.mode "none") (eq .Values.className "alb") }}
{{- fail "tls.mode=none is for the local (kind) env only: the ALB listens on HTTPS with tls.mode=acm" }}
{{- end }}
{{- if and (eq .Values.tls.mode "acm") (ne .Values.className "alb") }}
{{- fail "tls.mode=acm works only with className=alb" }}
{{- end }}
{{- end }}

{{/* ALB tags annotation: k1=v1,k2=v2 in a stable order. */}}
{{- define "taskapp-ingress.tags" -}}
{{- $out := list }}
{{- range $k, $v := . }}
{{- $out = append $out (printf "%s=%s" $k $v) }}
{{- end }}
{{- join "," $out }}
{{- end }}
