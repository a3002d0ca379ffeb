using TorchSharp;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Model.Training;

/// <summary>
/// Takes a trained student the rest of the way to a small per-sample gradient, the theorems'
/// precondition, by Levenberg–Marquardt (damped Gauss–Newton) on the residuals r = f*(x) - f(x)
/// of every sample and output. Gradient descent gets there slowly, deep students slowest; near a
/// point of zero loss Gauss–Newton converges in a few steps.
/// </summary>
/// <remarks>
/// One trial step: with J = d f / d theta (<see cref="OutputJacobian"/>, (N * outputs, P)) and
/// r (N * outputs) at the current weights theta, solve
/// (J^T J + lambda diag(J^T J) + ridge I) delta = J^T r by Cholesky and measure theta + delta with
/// <see cref="SgdTrainer.Measure"/>. If the loss fell, the step is kept and lambda divided; else the
/// weights are restored and lambda multiplied. The finisher stops when the measured
/// max_x ||g_1(x)|| reaches the target, when the trial steps run out, when lambda passes its maximum
/// (stalled), or when the loss, gradient or Jacobian where it stands is not finite. A step whose
/// loss is not finite is only a rejected step: the student never keeps non-finite weights.
/// Float64 on the CPU only: the sizes it serves (d &lt;= 10, widths &lt;= 12, N &lt;= 2000) fit a full
/// Jacobian in memory, and the solve needs float64's range near the target.
/// </remarks>
public static class Finisher
{
    /// <summary>
    /// Moves <paramref name="student"/>'s weights in place toward max_x ||g_1(x)|| &lt;= the target
    /// over <paramref name="data"/>. <paramref name="prior"/>, the training that brought the student
    /// here, supplies the steps and history of the returned <see cref="FinishResult.Training"/>.
    /// </summary>
    public static FinishResult Finish(RectifiedNetwork student, Dataset data, FinishOptions options, TrainingResult? prior = null)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Check(student, data);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var start = OutputJacobian.Parameters(student);
        var before = Measure(student, data, options.EveryLayer);
        var current = before;
        var lambda = options.InitialLambda;
        int iterations = 0, accepted = 0, nonFinite = 0;
        NormalEquations? system = null;
        FinishStop stop;
        string reason;
        try
        {
            while (true)
            {
                if (!IsFinite(current))
                {
                    (stop, reason) = (FinishStop.NonFinite, $"the student came in with {current}; left as it was");
                    break;
                }
                if (current.MaxSampleGradient <= options.GradientTarget)
                {
                    (stop, reason) = (FinishStop.ReachedTarget, $"reached max per-sample gradient{(options.EveryLayer ? " (every layer)" : "")} {current.MaxSampleGradient:G3} <= {options.GradientTarget:G3}");
                    break;
                }
                if (iterations >= options.MaxIterations)
                {
                    (stop, reason) = (FinishStop.IterationsExhausted, $"{options.MaxIterations} trial steps ran out at max per-sample gradient {current.MaxSampleGradient:G3} > {options.GradientTarget:G3}");
                    break;
                }
                if (lambda > options.MaxLambda)
                {
                    (stop, reason) = (FinishStop.Stalled, $"stalled: lambda {lambda:G3} passed {options.MaxLambda:G3} at max per-sample gradient {current.MaxSampleGradient:G3}");
                    break;
                }
                system ??= NormalEquations.At(student, data, options.Ridge);
                if (system is null)
                {
                    (stop, reason) = (FinishStop.NonFinite, $"the Jacobian is not finite at {current}; the last finite weights are kept");
                    break;
                }
                iterations++;
                var (kept, wasNonFinite) = TryStep(student, data, system, lambda, current, options.EveryLayer);
                if (wasNonFinite) nonFinite++;
                if (kept is not null)
                {
                    current = kept;
                    accepted++;
                    lambda = Math.Max(lambda / options.LambdaDecrease, options.MinLambda);
                    system.Dispose();
                    system = null;
                }
                else
                {
                    lambda *= options.LambdaIncrease;
                }
            }
        }
        finally
        {
            system?.Dispose();
        }

        var (distance, relative) = Distance(start, student);
        var reached = current.MaxSampleGradient <= options.GradientTarget;
        var outcome = reached ? TrainingOutcome.ReachedGradientTarget
            : IsFinite(before) ? TrainingOutcome.BudgetExhausted : TrainingOutcome.Diverged;
        var training = new TrainingResult(outcome, (prior?.Steps ?? 0) + iterations, prior?.EpochsRun ?? 0,
            current.Loss, current.MaxSampleGradient, prior?.History ?? [],
            outcome == TrainingOutcome.Diverged ? prior?.LastFiniteLoss : null,
            outcome == TrainingOutcome.Diverged ? prior?.DivergedAtStep ?? prior?.Steps ?? 0 : null);
        return new FinishResult(before, current, iterations, accepted, nonFinite, lambda, distance, relative, reached, stop, reason, training);
    }

    /// <summary>
    /// One trial step at damping <paramref name="lambda"/>: the student's weights become theta + delta;
    /// kept (its measurement returned) when the loss fell below <paramref name="current"/>'s,
    /// else restored (null). NonFinite: the candidate weights, or their loss or gradient, were not finite.
    /// </summary>
    static (LossAndGradient? Kept, bool NonFinite) TryStep(RectifiedNetwork student, Dataset data, NormalEquations system, double lambda, LossAndGradient current, bool everyLayer)
    {
        using var scope = NewDisposeScope();
        var candidate = system.Step(lambda);
        if (candidate is null) return (null, false);
        if (!candidate.isfinite().all().item<bool>()) return (null, true);
        OutputJacobian.SetParameters(student, candidate);
        var measured = Measure(student, data, everyLayer);
        if (IsFinite(measured) && measured.Loss < current.Loss) return (measured, false);
        OutputJacobian.SetParameters(student, system.Theta);
        return (null, !IsFinite(measured));
    }

    static LossAndGradient Measure(RectifiedNetwork student, Dataset data, bool everyLayer)
    {
        var (loss, gradient) = SgdTrainer.Measure(student, data, everyLayer);
        return new LossAndGradient(loss, gradient);
    }

    static bool IsFinite(LossAndGradient m) => double.IsFinite(m.Loss) && double.IsFinite(m.MaxSampleGradient);

    /// <summary>||theta_now - start|| and that over ||start||.</summary>
    static (double Distance, double Relative) Distance(Tensor start, RectifiedNetwork student)
    {
        using var scope = NewDisposeScope();
        var now = OutputJacobian.Parameters(student);
        var distance = now.PlusScaled(start, -1.0).norm().item<double>();
        var size = start.norm().item<double>();
        return (distance, size > 0 ? distance / size : distance > 0 ? double.PositiveInfinity : 0);
    }

    /// <summary>Throws, naming the mismatch, when the student and data do not fit together or are not float64 on the CPU.</summary>
    static void Check(RectifiedNetwork student, Dataset data)
    {
        if (data.InputDim != student.InputDim)
            throw new ArgumentException($"The dataset has input dimension {data.InputDim}; the student expects {student.InputDim}.", nameof(data));
        if (data.Targets.shape[1] != student.OutputDim)
            throw new ArgumentException($"The dataset has {data.Targets.shape[1]} outputs; the student has {student.OutputDim}.", nameof(data));
        if (student.DType != ScalarType.Float64 || student.Device.type != DeviceType.CPU)
            throw new ArgumentException($"The finisher works in float64 on the CPU; the student is {student.DType} on {student.Device}.", nameof(student));
        if (data.Inputs.dtype != ScalarType.Float64 || data.Inputs.device.type != DeviceType.CPU)
            throw new ArgumentException($"The finisher works in float64 on the CPU; the dataset is {data.Inputs.dtype} on {data.Inputs.device}.", nameof(data));
    }

    /// <summary>
    /// J^T J (P, P), its diagonal (P) and J^T r (P) at weights Theta (P), owned until disposed; the
    /// ridge is <see cref="FinishOptions.Ridge"/> times the largest diagonal entry.
    /// </summary>
    sealed class NormalEquations : IDisposable
    {
        public required Tensor Gram { get; init; }
        public required Tensor Diagonal { get; init; }
        public required Tensor Rhs { get; init; }
        public required Tensor Theta { get; init; }
        public required double Ridge { get; init; }

        /// <summary>The system at the student's weights; null when J or r is not finite.</summary>
        public static NormalEquations? At(RectifiedNetwork student, Dataset data, double relativeRidge)
        {
            var rows = (double)data.Count * student.OutputDim;
            var parameters = (double)OutputJacobian.ParameterCount(student);
            return IntraOpThreads.Run(2 * rows * parameters * parameters, () =>
            {
                using var scope = NewDisposeScope();
                var jacobian = OutputJacobian.Of(student, data.Inputs);
                var residual = data.Targets.PlusScaled(student.forward(data.Inputs), -1.0).reshape(-1);
                var gram = jacobian.t().mm(jacobian);
                var rhs = jacobian.t().mv(residual);
                if (!gram.isfinite().all().item<bool>() || !rhs.isfinite().all().item<bool>()) return null;
                var diagonal = gram.diagonal().clone();
                var top = diagonal.max().item<double>();
                return new NormalEquations
                {
                    Gram = gram.DetachFromDisposeScope(),
                    Diagonal = diagonal.DetachFromDisposeScope(),
                    Rhs = rhs.DetachFromDisposeScope(),
                    Theta = OutputJacobian.Parameters(student).DetachFromDisposeScope(),
                    Ridge = relativeRidge * top,
                };
            });
        }

        /// <summary>theta + delta at damping <paramref name="lambda"/> (a new tensor), or null when the damped system is not positive definite.</summary>
        public Tensor? Step(double lambda)
        {
            using var scope = NewDisposeScope();
            var damped = Gram.clone();
            damped.diagonal().Plus_(Diagonal.Times(lambda).Plus_(Ridge));
            var (factor, info) = linalg.cholesky_ex(damped);
            if (info.item<int>() != 0) return null;
            var delta = cholesky_solve(Rhs.unsqueeze(1), factor).squeeze(1);
            return Theta.Plus(delta).MoveToOuterDisposeScope();
        }

        public void Dispose()
        {
            Gram.Dispose();
            Diagonal.Dispose();
            Rhs.Dispose();
            Theta.Dispose();
        }
    }
}
