namespace Verify.Model.Evidence;

/// <summary>One hidden layer of a deep pair, in plain numbers (reported beside claim 1's verdict, not judged).</summary>
/// <param name="Layer">Hidden layer, 1 = lowest.</param>
/// <param name="BestCorrelationPerTeacher">max_k rho_jk for each teacher node j of the layer, on the judged inputs.</param>
/// <param name="FanOutStrength">E_x[beta_kk(x)] for each student node k of the layer: the diagonal of B_l(x) of the paper's recursion, averaged over the inputs.</param>
public sealed record LayerNumbers(int Layer, double[] BestCorrelationPerTeacher, double[] FanOutStrength);
