namespace Verify.Model.Training;

/// <summary>
/// Learning rates of PyTorch's MSELoss (the authors' objective: the mean over samples and outputs of
/// the squared error, L = (1 / (B c)) sum_b sum_o r_bo^2) in the units of the suite's step
/// (<see cref="StepKernel"/>: W += (lr / B) h~^T r, a gradient step on 1/2 sum_o r_bo^2, mean over
/// the batch). grad L = (2 / c) grad (1/2 mean_b sum_o r^2), so a step of rate eta on L is a step of
/// rate eta * 2 / c here: the factor is 2 / c, 0.02 at the authors' c = 100 outputs.
/// </summary>
public static class MseRate
{
    /// <summary>The suite's rate that makes the same update as rate <paramref name="mseRate"/> on MSELoss with <paramref name="outputs"/> outputs.</summary>
    public static double ToStep(double mseRate, int outputs)
    {
        if (outputs < 1) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, $"Output count must be >= 1; got {outputs}.");
        return mseRate * 2 / outputs;
    }
}
