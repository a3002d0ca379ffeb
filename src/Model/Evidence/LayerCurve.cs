namespace Verify.Model.Evidence;

/// <summary>One layer's mean best correlation against the training-set size: its spread over runs at each size.</summary>
public sealed record LayerCurve(int Layer, IReadOnlyList<int> Sizes, IReadOnlyList<Spread> PerSize);
