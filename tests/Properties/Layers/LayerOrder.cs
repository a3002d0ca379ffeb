namespace Verify.Properties.Layers;

/// <summary>One use of a type that a layer rule forbids, and the rule, in words.</summary>
public sealed record LayerViolation(string From, string To, string Rule)
{
    public override string ToString() => $"{From} -> {To}: {Rule}";
}

/// <summary>
/// An order of the namespaces under <paramref name="root"/>, bottom layer first. A type may use the
/// types of its own namespace and of the layers below its own; never a layer above, nor another
/// namespace of its own layer (the namespaces of one layer are peers and stay independent). Every
/// namespace under the root must be placed in a layer. Types outside the root (the compiler's
/// helpers in the global namespace, embedded attributes) are not judged, and neither are other
/// assemblies: an assembly's metadata names their types only by reference.
/// </summary>
public sealed class LayerOrder(string root, params string[][] layers)
{
    public string Root { get; } = root;

    public IReadOnlyList<string[]> Layers { get; } = layers;

    /// <summary>
    /// Pairs (user, used) of namespaces where the user may use only the data of the used namespace:
    /// its records and enums (a judge reads a training result; it never calls a trainer).
    /// </summary>
    public IReadOnlyList<(string User, string Used)> DataOnly { get; init; } = [];

    /// <summary>Every namespace of the order.</summary>
    public IEnumerable<string> Namespaces => Layers.SelectMany(l => l);

    /// <summary>The namespaces of <paramref name="graph"/>'s types that lie under the root.</summary>
    public IReadOnlySet<string> NamespacesIn(TypeGraph graph) =>
        graph.Kinds.Keys.Select(TypeGraph.NamespaceOf).Where(Judged).ToHashSet();

    /// <summary>
    /// Every dependency of <paramref name="graph"/> against the order (upward, or between peers), and one
    /// entry for each namespace under the root that no layer holds, naming its first type.
    /// </summary>
    public IReadOnlyList<LayerViolation> Violations(TypeGraph graph)
    {
        var found = new List<LayerViolation>();
        foreach (var ns in NamespacesIn(graph).Where(ns => LayerOf(ns) is null).Order(StringComparer.Ordinal))
        {
            var first = graph.Kinds.Keys.Where(t => TypeGraph.NamespaceOf(t) == ns).Min(StringComparer.Ordinal)!;
            found.Add(new LayerViolation(first, "-", $"namespace {ns} is in no layer; place it in the order"));
        }
        foreach (var d in Sorted(graph.Dependencies))
        {
            var (from, to) = (TypeGraph.NamespaceOf(d.From), TypeGraph.NamespaceOf(d.To));
            if (from == to || !Judged(from) || !Judged(to) || LayerOf(from) is not { } low || LayerOf(to) is not { } high) continue;
            if (high > low)
                found.Add(new LayerViolation(d.From, d.To, $"{Short(from)} (layer {low + 1}) uses {Short(to)} (layer {high + 1}), a layer above it"));
            else if (high == low)
                found.Add(new LayerViolation(d.From, d.To, $"{Short(from)} uses {Short(to)}, a peer in layer {low + 1}"));
        }
        return found;
    }

    /// <summary>Every use, by a namespace of <see cref="DataOnly"/>, of a type of its pair that is not a record or an enum.</summary>
    public IReadOnlyList<LayerViolation> DataOnlyViolations(TypeGraph graph) =>
        Sorted(graph.Dependencies)
            .Where(d => DataOnly.Contains((TypeGraph.NamespaceOf(d.From), TypeGraph.NamespaceOf(d.To))))
            .Where(d => graph.Kinds.GetValueOrDefault(d.To) == TypeKind.Code)
            .Select(d => new LayerViolation(d.From, d.To,
                $"{Short(TypeGraph.NamespaceOf(d.From))} may read only the records and enums of {Short(TypeGraph.NamespaceOf(d.To))}; this is code"))
            .ToArray();

    int? LayerOf(string ns)
    {
        for (var i = 0; i < Layers.Count; i++)
            if (Layers[i].Contains(ns, StringComparer.Ordinal)) return i;
        return null;
    }

    bool Judged(string ns) => ns == Root || ns.StartsWith(Root + ".", StringComparison.Ordinal);

    string Short(string ns) => ns == Root ? ns : ns[(Root.Length + 1)..];

    static IEnumerable<TypeDependency> Sorted(IEnumerable<TypeDependency> dependencies) =>
        dependencies.OrderBy(d => d.From, StringComparer.Ordinal).ThenBy(d => d.To, StringComparer.Ordinal);
}
