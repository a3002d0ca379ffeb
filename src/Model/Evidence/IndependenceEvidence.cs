using Verify.Model.Networks;
using static TorchSharp.torch;

namespace Verify.Model.Evidence;

/// <summary>The singular values of a teacher's feature matrix F = sigma(X~ W*) (N, m) on some inputs.</summary>
public sealed record IndependenceEvidence(string Case, int Samples, double[] SingularValues)
{
    public static IndependenceEvidence Measure(RectifiedNetwork teacher, Tensor inputs, string? description = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var trace = teacher.Trace(inputs);
        var features = trace.Activations[0].to(ScalarType.Float64, CPU);
        return new IndependenceEvidence(description ?? $"teacher {teacher}", (int)inputs.shape[0], linalg.svdvals(features).data<double>().ToArray());
    }
}
