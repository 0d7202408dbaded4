{{- define "apps.appNamespace" -}}
taskapp-{{ .Values.environment }}
{{- end }}

{{- define "apps.labels" -}}
app.kubernetes.io/part-of: taskapp
app.kubernetes.io/managed-by: argocd
taskapp.io/environment: {{ .Values.environment }}
{{- end }}

{{/* Sync policy of every child: automated prune + self-heal where the environment allows it,
     manual sync otherwise; retries with back-off either way. */}}
{{- define "apps.syncPolicy" -}}
{{- $ctx := index . 0 }}
{{- $extra := index . 1 }}
syncPolicy:
  {{- if $ctx.Values.syncPolicy.automated }}
  automated:
    prune: {{ $ctx.Values.syncPolicy.prune }}
    selfHeal: {{ $ctx.Values.syncPolicy.selfHeal }}
    allowEmpty: false
  {{- end }}
  syncOptions:
    - CreateNamespace=true
    - PruneLast=true
    - PrunePropagationPolicy=foreground
    {{- range $extra }}
    - {{ . }}
    {{- end }}
  retry:
    limit: 5
    backoff:
      duration: 10s
      factor: 2
      maxDuration: 5m
{{- end }}

{{/* metadata shared by child Applications: the finalizer deletes an app's resources with it. */}}
{{- define "apps.appMeta" -}}
{{- $ctx := index . 0 }}
{{- $name := index . 1 }}
{{- $wave := index . 2 }}
name: {{ $name }}-{{ $ctx.Values.environment }}
namespace: {{ $ctx.Values.argocdNamespace }}
labels:
  {{- include "apps.labels" $ctx | nindent 2 }}
  app.kubernetes.io/name: {{ $name }}
annotations:
  argocd.argoproj.io/sync-wave: {{ $wave | quote }}
finalizers:
  - resources-finalizer.argocd.argoproj.io
{{- end }}
