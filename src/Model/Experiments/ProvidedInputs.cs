using static TorchSharp.torch;

namespace Verify.Model.Experiments;

/// <summary>
/// Training and eval inputs supplied from outside (real images): (N_train, d) and (N_eval, d),
/// float64 on cpu. Owns its tensors until Dispose (runs only read them, so runs on several threads
/// may share one): a class with one owner, not a record.
/// </summary>
public sealed class ProvidedInputs(Tensor train, Tensor eval, string description) : IDisposable
{
    /// <summary>The training inputs: (N_train, d).</summary>
    public Tensor Train { get; } = train;

    /// <summary>The eval inputs: (N_eval, d).</summary>
    public Tensor Eval { get; } = eval;

    /// <summary>Where the inputs came from, in words.</summary>
    public string Description { get; } = description;

    public void Dispose()
    {
        Train.Dispose();
        Eval.Dispose();
    }
}
