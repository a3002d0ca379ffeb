using Verify.Model.Networks;
using Verify.Model.Training;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.TestSupport;

/// <summary>
/// Builders for the claim tests: cheap training settings, and the broken hypotheses of the
/// negative controls (a teacher node with no fan-out, a co-linear teacher node, data that never
/// crosses a boundary).
/// </summary>
public static class ClaimBuilders
{
    /// <summary>
    /// Student init std for the small problems. The paper's 0.005 works but spends thousands of
    /// steps escaping the origin; 0.3 keeps every case within seconds and still starts far from
    /// any teacher (measured: best initial cosine about 0.5-0.8).
    /// </summary>
    public const double SmallProblemInitStd = Verify.Model.Protocols.TheoremCheckSettings.InitStd;

    /// <summary>Full-batch gradient descent, lr 0.1, epochs of 250 steps, stopping at <paramref name="target"/>.</summary>
    public static SgdOptions FullBatch(int epochs, double? target = Tolerances.SmallProblemGradientTarget, double learningRate = 0.1, int itersPerEpoch = 250) =>
        new() { LearningRate = learningRate, BatchSize = null, Epochs = epochs, ItersPerEpoch = itersPerEpoch, GradientTarget = target };

    /// <summary>A copy of <paramref name="teacher"/> whose lowest-layer node <paramref name="node"/> has zero fan-out (alpha_kj = 0 for every student).</summary>
    public static RectifiedNetwork WithSilencedNode(RectifiedNetwork teacher, int node)
    {
        using var scope = NewDisposeScope();
        var weights = teacher.Weights.Select(w => w.detach().clone()).ToArray();
        weights[1][node].zero_();
        return new RectifiedNetwork(weights, teacher.Activation, "teacher with a silent node");
    }

    /// <summary>A copy of a two-layer teacher whose node <paramref name="target"/> is <paramref name="scale"/> times node <paramref name="source"/> (augmented vectors).</summary>
    public static RectifiedNetwork WithColinearNode(RectifiedNetwork teacher, int source, int target, double scale)
    {
        using var scope = NewDisposeScope();
        var weights = teacher.Weights.Select(w => w.detach().clone()).ToArray();
        weights[0][.., target] = weights[0][.., source].Times(scale);
        return new RectifiedNetwork(weights, teacher.Activation, "teacher with a co-linear node");
    }

    /// <summary>The same weights under another activation (the linear negative control).</summary>
    public static RectifiedNetwork WithActivation(RectifiedNetwork network, Activation activation)
    {
        using var scope = NewDisposeScope();
        return new RectifiedNetwork(network.Weights.Select(w => w.detach().clone()).ToArray(), activation, "network");
    }

    /// <summary>
    /// x (N, d) with every point on the positive side of lowest-layer node <paramref name="node"/>'s
    /// boundary reflected to the negative side (x - 2 u w / ||w||^2, u = w^T x + b), and pushed a
    /// margin of 0.1 further: the node is inactive on every point, so the data never crosses its
    /// boundary. Deterministic: no filtering.
    /// </summary>
    public static Tensor NeverCrossing(RectifiedNetwork teacher, Tensor x, int node)
    {
        using var scope = NewDisposeScope();
        var w = teacher.Weights[0][.., node].to(x.dtype);
        var dir = w.narrow(0, 0, teacher.InputDim);
        var u = x.mv(dir).Plus(w[-1]);
        var norm2 = dir.dot(dir);
        var shift = u.ClampAtLeast(0).Times(2).Plus_(0.1) / norm2;
        return (x - shift.unsqueeze(1) * dir.unsqueeze(0)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The seeds of one case's random streams. <see cref="Named"/> derives them from a case seed by name
/// (the rule for every new case); <see cref="Pinned"/> replays a case exactly as it was first found
/// (a regression found before the streams were named keeps the seeds it was found with).
/// </summary>
public sealed record CaseStreams(long Teacher, long Data, long Student, long Batches)
{
    public static CaseStreams Named(long caseSeed) => new(
        Verify.Model.Runtime.Seeds.Of(caseSeed, "teacher"), Verify.Model.Runtime.Seeds.Of(caseSeed, "train-inputs"),
        Verify.Model.Runtime.Seeds.Of(caseSeed, "student"), Verify.Model.Runtime.Seeds.Of(caseSeed, "batches"));

    public static CaseStreams Pinned(long teacher, long data, long student, long batches) => new(teacher, data, student, batches);

    public override string ToString() => $"streams(teacher {Teacher}, data {Data}, student {Student}, batches {Batches})";
}

/// <summary>Marks a test as judging a claim of <see cref="Verify.Model.Protocols.ClaimCatalog"/> (by id); <c>ClaimCatalogTest</c> checks every claim has one.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class JudgesAttribute(string claimId) : Attribute
{
    public string ClaimId { get; } = claimId;
}
