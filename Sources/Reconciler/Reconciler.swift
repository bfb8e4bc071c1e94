/// The pure core of kpx-reconcile: typed iptables AST, text codec, desired state, diff and plan.
public enum Reconciler {}
