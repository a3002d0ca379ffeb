using static TorchSharp.torch;

namespace Verify.Model.Networks;

/// <summary>
/// One forward pass, kept: Input x (N, d); PreActivations[l] (N, n_{l+1}) and Activations[l]
/// (N, n_{l+1}) of hidden layer l+1; Output (N, outputs). The trace owns its tensors (not the input)
/// until Dispose: a class with one owner, not a record, so that no copy shares them.
/// </summary>
public sealed class NetworkTrace(Tensor input, Tensor[] preActivations, Tensor[] activations, Tensor output) : IDisposable
{
    /// <summary>x: (N, d), borrowed from the caller.</summary>
    public Tensor Input { get; } = input;

    /// <summary>Hidden layer l + 1 before its activation: (N, n_{l+1}).</summary>
    public IReadOnlyList<Tensor> PreActivations { get; } = preActivations;

    /// <summary>Hidden layer l + 1 after its activation: (N, n_{l+1}).</summary>
    public IReadOnlyList<Tensor> Activations { get; } = activations;

    /// <summary>f(x): (N, outputs).</summary>
    public Tensor Output { get; } = output;

    public void Dispose()
    {
        foreach (var t in PreActivations.Concat(Activations).Append(Output)) t.Dispose();
    }
}
