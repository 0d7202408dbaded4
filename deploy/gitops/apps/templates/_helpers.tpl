{{- define "apps.appNamespace" -}}
taskapp-{{ .Values.cluster.environment }}
{{- end }}

{{- define "apps.labels" -}}
app.kubernetes.io/part-of: taskapp
app.kubernetes.io/managed-by: argocd
taskapp.io/environment: {{ .Values.cluster.environment }}
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
name: {{ $name }}-{{ $ctx.Values.cluster.environment }}
namespace: {{ $ctx.Values.argocdNamespace }}
labels:
  {{- include "apps.labels" $ctx | nindent 2 }}
  app.kubernetes.io/name: {{ $name }}
annotations:
  argocd.argoproj.io/sync-wave: {{ $wave | quote }}
finalizers:
  - resources-finalizer.argocd.argoproj.io
{{- end }}

{{/* The local (kind) env: no AWS parts, facts of AWS are empty there. */}}
{{- define "apps.isLocal" -}}
{{- if eq .Values.cluster.environment "local" }}true{{ end }}
{{- end }}

{{/* A cluster fact the rendering cannot do without: an empty one stops the render with the
     annotation to fix (Terraform's gitops_bridge output) instead of shipping "" to a chart. */}}
{{- define "apps.fact" -}}
{{- $ctx := index . 0 }}
{{- $name := index . 1 }}
{{- $v := get $ctx.Values.cluster $name }}
{{- if not $v }}
{{- fail (printf "cluster fact %s is empty: the Argo CD cluster Secret needs its annotation (deploy/gitops/cluster-facts.yaml, written by Terraform's gitops_bridge output)" $name) }}
{{- end }}
{{- $v }}
{{- end }}

{{/* The facts a taskapp chart takes from the cluster, as its values (YAML). The local env has no
     AWS parts: its values file says everything. */}}
{{- define "apps.chartFacts" -}}
{{- $ctx := index . 0 }}
{{- $chart := index . 1 }}
{{- $c := $ctx.Values.cluster }}
{{- $local := include "apps.isLocal" $ctx }}
{{- if eq $chart "taskapp-backend" }}
environment: {{ $c.environment }}
{{- if $local }}
config:
  corsOrigins: http://localhost:8080
{{- else }}
{{- $cidrs := include "apps.fact" (list $ctx "publicSubnetCidrs") | nospace }}
image:
  repository: {{ printf "%s/%s" (include "apps.fact" (list $ctx "ecrRegistry")) (include "apps.fact" (list $ctx "ecrRepositoryBackend")) }}
config:
  corsOrigins: https://{{ include "apps.fact" (list $ctx "domainName") }}
  publicUrl: https://{{ include "apps.fact" (list $ctx "domainName") }}
  # Mail through SES (Terraform's modules/mail): the region's SMTP endpoint, as the one address
  # the SMTP user may send from (its IAM condition), with the credentials below.
  smtp:
    host: email-smtp.{{ include "apps.fact" (list $ctx "awsRegion") }}.amazonaws.com
    from: "taskapp <no-reply@{{ include "apps.fact" (list $ctx "domainName") }}>"
  # Files on tasks: Terraform's assets bucket (modules/storage, CORS for the app's origin),
  # which the backend's IRSA role may read and write (modules/irsa).
  attachments:
    bucket: {{ include "apps.fact" (list $ctx "assetsBucket") }}
    region: {{ include "apps.fact" (list $ctx "awsRegion") }}
# Only the ALB (its addresses in the public subnets) may set X-Forwarded-For/Proto: this holds
# where NetworkPolicies are not enforced (Fargate) too.
forwardedAllowIps: {{ $cidrs | quote }}
secret:
  externalSecret:
    enabled: true
    remoteKey: {{ include "apps.fact" (list $ctx "appSecretName") }}
    database:
      masterSecret: {{ include "apps.fact" (list $ctx "dbMasterSecretArn") }}
      host: {{ include "apps.fact" (list $ctx "dbHost") }}
      port: {{ include "apps.fact" (list $ctx "dbPort") | quote }}
      name: {{ include "apps.fact" (list $ctx "dbName") }}
    redis:
      authSecret: {{ include "apps.fact" (list $ctx "redisAuthSecretArn") }}
      host: {{ include "apps.fact" (list $ctx "redisHost") }}
      port: {{ include "apps.fact" (list $ctx "redisPort") | quote }}
    smtp:
      credentialsSecret: {{ include "apps.fact" (list $ctx "smtpSecretName") }}
serviceAccount:
  roleArn: {{ include "apps.fact" (list $ctx "irsaBackendRoleArn") }}
backup:
  bucket: {{ include "apps.fact" (list $ctx "backupBucket") }}
  region: {{ include "apps.fact" (list $ctx "awsRegion") }}
  serviceAccount:
    roleArn: {{ include "apps.fact" (list $ctx "irsaBackupRoleArn") }}
{{- $data := splitList "," (include "apps.fact" (list $ctx "dataSubnetCidrs") | nospace) | toJson }}
networkPolicy:
  ingressCidrs: {{ splitList "," $cidrs | toJson }}
  # RDS and ElastiCache live in the database subnets Terraform carves from the VPC.
  database:
    cidrs: {{ $data }}
  redis:
    cidrs: {{ $data }}
{{- end }}
{{- else if eq $chart "taskapp-frontend" }}
environment: {{ $c.environment }}
{{- if not $local }}
image:
  repository: {{ printf "%s/%s" (include "apps.fact" (list $ctx "ecrRegistry")) (include "apps.fact" (list $ctx "ecrRepositoryFrontend")) }}
# Browsers upload attachments straight to the assets bucket, by the regional virtual-hosted name
# the backend signs its forms for (attachments/storage.py).
contentSecurityPolicy:
  uploadOrigins:
    - {{ printf "https://%s.s3.%s.amazonaws.com" (include "apps.fact" (list $ctx "assetsBucket")) (include "apps.fact" (list $ctx "awsRegion")) }}
networkPolicy:
  ingressCidrs: {{ splitList "," (include "apps.fact" (list $ctx "publicSubnetCidrs") | nospace) | toJson }}
{{- end }}
{{- else if eq $chart "taskapp-monitoring" }}
{{- if not $local }}
rules:
  # The runbooks of the repository and revision Argo CD syncs (repo_url is a GitHub URL: it is
  # built from Terraform's github_repository), not the upstream project's.
  runbookBaseUrl: {{ printf "%s/blob/%s/docs/runbooks" (include "apps.fact" (list $ctx "repoURL") | trimSuffix ".git") $ctx.Values.targetRevision }}
{{- end }}
{{- else if eq $chart "taskapp-ingress" }}
environment: {{ $c.environment }}
{{- if $local }}
host: {{ include "apps.fact" (list $ctx "domainName") }}
{{- else }}
# The ALB's host: the domain itself, or with the web app on CloudFront the origin name CloudFront
# sends /api/* to (Terraform's modules/edge origin, covered by the certificate's *.<domain>).
host: {{ include "apps.fact" (list $ctx "albHost") }}
frontend:
  enabled: {{ ne $c.edgeMode "cloudfront" }}
{{- end }}
{{- if not $local }}
tls:
  acmCertificateArn: {{ include "apps.fact" (list $ctx "acmCertificateArn") }}
alb:
  wafAclArn: {{ $c.wafAclArn | quote }}
  accessLogs:
    bucket: {{ $c.albLogsBucket | quote }}
{{- end }}
{{- end }}
{{- end }}
