using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Model.Analysis;

/// <summary>
/// Losses on the paper's axis: the mean squared error over samples and outputs,
/// (1 / (N c)) sum_x ||f*(x) - f(x)||^2, which is what the authors' code reports and plots. Training
/// minimizes 1/2 E_x ||f*(x) - f(x)||^2 (the objective, <see cref="Training.TrainingResult.FinalTrainLoss"/>);
/// with c outputs the two differ by the factor c / 2 (25, about 1.4 decades, at the paper's c = 50).
/// </summary>
public static class Losses
{
    /// <summary>Mean squared error of <paramref name="student"/> against the labels of <paramref name="data"/>, over samples and outputs.</summary>
    public static double MeanSquaredError(RectifiedNetwork student, Dataset data)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var trace = student.Trace(data.Inputs);
        return MeanSquaredError(trace.Output, data.Targets);
    }

    /// <summary>Mean over every entry of (targets - outputs)^2: outputs and targets (N, c).</summary>
    public static double MeanSquaredError(Tensor outputs, Tensor targets)
    {
        using var scope = NewDisposeScope();
        return (targets - outputs).Squared().mean().item<double>();
    }

    /// <summary>The training objective 1/2 E||f* - f||^2 on the paper's axis: 2 objective / c.</summary>
    public static double FromObjective(double objective, int outputs)
    {
        if (outputs < 1) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, $"Output count must be >= 1; got {outputs}.");
        return 2 * objective / outputs;
    }
}
