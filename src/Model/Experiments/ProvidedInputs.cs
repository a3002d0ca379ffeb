using static TorchSharp.torch;

namespace Verify.Model.Experiments;

/// <summary>Training and eval inputs supplied from outside (real images): (N_train, d) and (N_eval, d), float64 on cpu.</summary>
public sealed record ProvidedInputs(Tensor Train, Tensor Eval, string Description);
