{{/* The chart's name, overridable. */}}
{{- define "k8s-mcp.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name: object names derive from it. */}}
{{- define "k8s-mcp.fullname" -}}
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

{{/* Labels selecting this release's pods. */}}
{{- define "k8s-mcp.selectorLabels" -}}
app.kubernetes.io/name: {{ include "k8s-mcp.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "k8s-mcp.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "k8s-mcp.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The service account the pods run as. */}}
{{- define "k8s-mcp.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "k8s-mcp.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* repository:tag or repository@digest. */}}
{{- define "k8s-mcp.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* Values the server would refuse at start-up (a crash-looping pod) are refused at render time instead. */}}
{{- define "k8s-mcp.validate" -}}
{{- if and .Values.httpToken.secretName (hasKey .Values.config "oauth") }}
{{- fail "httpToken.secretName and config.oauth are exclusive: with [oauth] every caller needs an OAuth token (unset httpToken.secretName)" }}
{{- end }}
{{- if and (hasKey .Values.config "cluster_auth") (ne (toString .Values.config.cluster_auth) "server") (not (hasKey .Values.config "oauth")) }}
{{- fail (printf "config.cluster_auth = %q acts as the calling user, which needs config.oauth (issuer, audience)" (toString .Values.config.cluster_auth)) }}
{{- end }}
{{- end }}
