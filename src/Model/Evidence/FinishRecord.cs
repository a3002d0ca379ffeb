using Verify.Model.Training;

namespace Verify.Model.Evidence;

/// <summary>How a case was finished: the numbers where the first phase (SGD or gradient descent) left it, and what the finish did.</summary>
/// <param name="Endpoint">The first phase's result (loss and max per-sample gradient at its endpoint).</param>
/// <param name="Finish">The finisher's result: iterations, the parameter distance it moved the student, why it stopped.</param>
/// <param name="EndpointMinBestCorrelation">min_j max_k rho_jk at the endpoint (the finished value is in the verdict's numbers).</param>
/// <param name="EndpointMinBestCosine">min_j max_k cos(w*_j, w_k) at the endpoint.</param>
/// <param name="Phase">What brought the student to the endpoint: "SGD" or "gradient descent".</param>
public sealed record FinishRecord(TrainingResult Endpoint, FinishResult Finish, double EndpointMinBestCorrelation, double EndpointMinBestCosine = double.NaN, string Phase = "SGD")
{
    public override string ToString() => FormattableString.Invariant(
        $"{Phase} endpoint: loss {Endpoint.FinalTrainLoss:G3}, gradient {Endpoint.MaxSampleGradient:G3}, min best rho {EndpointMinBestCorrelation:0.####}, min best cos {EndpointMinBestCosine:0.####}; finished in {Finish.Iterations} Levenberg-Marquardt steps ({Finish.Stop}), moved {Finish.ParameterDistance:G3} ({Finish.RelativeDistance:P2} of the weights)");
}
