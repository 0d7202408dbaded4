{{- define "datastores.labels" -}}
app.kubernetes.io/part-of: taskapp
app.kubernetes.io/managed-by: {{ .Release.Service }}
taskapp.io/environment: local
{{- end }}

{{/* Pod Security "restricted" container context (the app namespace enforces it). */}}
{{- define "datastores.securityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}
