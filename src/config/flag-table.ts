// Which command-line flag sets which setting; shared by the commander wiring and error messages.

/**
 * Why: what the command line contributes to the configuration, only for flags actually given.
 * Enumerated values stay strings here; the schema validates them and names the flag on error.
 */
export type FlagOverrides = {
  kubeconfig?: string;
  kubeconfig_dir?: string;
  default_cluster?: string;
  read_only?: boolean;
  disable_destructive?: boolean;
  require_cluster?: boolean;
  list_output?: string;
  log_level?: string;
  log_file?: string;
  port?: number;
  host?: string;
  http_token?: string;
  nsk?: {
    rancher_url?: string;
    profile?: string;
    config_dir?: string;
    auto_refresh?: boolean;
  };
};

/** Why: one row per flag that maps to a setting; `key` is the setting's dotted name. */
export interface FlagSetting {
  /** the long flag as users type it */
  flag: string;
  key: string;
}

/** Why: lets messages say "from --nsk-rancher-url" and keeps flag names in one list. */
export const FLAG_SETTINGS: readonly FlagSetting[] = [
  { flag: "--kubeconfig", key: "kubeconfig" },
  { flag: "--kubeconfig-dir", key: "kubeconfig_dir" },
  { flag: "--default-cluster", key: "default_cluster" },
  { flag: "--read-only", key: "read_only" },
  { flag: "--disable-destructive", key: "disable_destructive" },
  { flag: "--require-cluster", key: "require_cluster" },
  { flag: "--list-output", key: "list_output" },
  { flag: "--log-level", key: "log_level" },
  { flag: "--log-file", key: "log_file" },
  { flag: "--port", key: "port" },
  { flag: "--host", key: "host" },
  { flag: "--http-token", key: "http_token" },
  { flag: "--nsk-rancher-url", key: "nsk.rancher_url" },
  { flag: "--nsk-profile", key: "nsk.profile" },
  { flag: "--nsk-config-dir", key: "nsk.config_dir" },
  { flag: "--nsk-auto-refresh", key: "nsk.auto_refresh" },
];
