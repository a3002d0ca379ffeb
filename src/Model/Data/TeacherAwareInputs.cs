using static TorchSharp.torch;

namespace Verify.Model.Data;

/// <summary>
/// Teacher-aware inputs (N, d) with each point's teacher node, role and offset alpha. Owns its
/// tensor until Dispose: a class with one owner, not a record, so that no copy shares it.
/// </summary>
public sealed class TeacherAwareInputs(Tensor inputs, int[] node, TeacherAwareRole[] role, double[] alpha) : IDisposable
{
    /// <summary>The points: (N, d).</summary>
    public Tensor Inputs { get; } = inputs;

    /// <summary>Each point's teacher node (lowest layer).</summary>
    public IReadOnlyList<int> Node { get; } = node;

    /// <summary>Each point's role in its triplet.</summary>
    public IReadOnlyList<TeacherAwareRole> Role { get; } = role;

    /// <summary>Each point's offset alpha along its node's normal.</summary>
    public IReadOnlyList<double> Alpha { get; } = alpha;

    public void Dispose() => Inputs.Dispose();
}

/// <summary>Where each teacher-aware point came from.</summary>
public enum TeacherAwareRole { OnBoundary, Plus, Minus }
