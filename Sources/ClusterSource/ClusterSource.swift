/// Loads Kubernetes manifests (YAML or JSON) from files into `Reconciler` value types.
public enum ClusterSource {}
