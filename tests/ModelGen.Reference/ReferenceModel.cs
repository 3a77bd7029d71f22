using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

namespace ModelGen.Reference
{
    /// <summary>
    /// Executes a model from its <see cref="ModelDescription"/> in double precision with MathNet.Numerics matrices:
    /// inference, training forward with batch statistics, backward by the textbook chain rule (the loss gradient with
    /// respect to the outputs, then each layer's Jacobian, softmax and sigmoid included), and every optimizer update.
    /// Rows are samples. Nothing here shares arithmetic with the generated code; only the dropout mask (a random number
    /// stream, not arithmetic) is drawn from the same <see cref="DeterministicRandom.Hash"/>.
    /// </summary>
    public sealed class ReferenceModel
    {
        private static readonly MatrixBuilder<double> M = Matrix<double>.Build;

        private readonly ModelDescription _d;
        private readonly double[] _m1;
        private readonly double[] _m2;
        private readonly Dictionary<int, int[,]> _taken = new();

        /// <summary>Creates the reference from a description and the generated model's current values.</summary>
        public ReferenceModel(ModelDescription description, ReadOnlySpan<float> parameters, ReadOnlySpan<float> state, ReadOnlySpan<long> counters)
        {
            _d = description ?? throw new ArgumentNullException(nameof(description));
            Parameters = ToDouble(parameters);
            State = ToDouble(state);
            Counters = counters.ToArray();
            _m1 = new double[Parameters.Length];
            _m2 = new double[Parameters.Length];
        }

        /// <summary>The parameters (double).</summary>
        public double[] Parameters { get; }

        /// <summary>BatchNorm running means and variances.</summary>
        public double[] State { get; }

        /// <summary>BatchNorm num_batches_tracked.</summary>
        public long[] Counters { get; }

        /// <summary>The gradients the last <see cref="TrainStep"/> applied.</summary>
        public double[] LastGradients { get; private set; } = Array.Empty<double>();

        /// <summary>Optimizer updates so far.</summary>
        public long Iterations { get; private set; }

        /// <summary>
        /// Overwrites the parameters and running statistics (keeping the optimizer state), so a comparison can measure
        /// one step's arithmetic from a common starting point.
        /// </summary>
        public void Sync(ReadOnlySpan<float> parameters, ReadOnlySpan<float> state)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                Parameters[i] = parameters[i];
            }

            for (int i = 0; i < state.Length; i++)
            {
                State[i] = state[i];
            }
        }

        /// <summary>
        /// The layers each layer reads, by index (-1: the model's input): <see cref="LayerDescription.Inputs"/> resolved by
        /// name, or the previous layer in a straight stack.
        /// </summary>
        private int[][] Sources()
        {
            var byName = new Dictionary<string, int>(StringComparer.Ordinal) { ["input"] = -1 };
            var sources = new int[_d.Layers.Count][];
            for (int k = 0; k < _d.Layers.Count; k++)
            {
                var l = _d.Layers[k];
                sources[k] = l.Inputs.Length == 0 ? new[] { k - 1 } : l.Inputs.Select(n => byName[n]).ToArray();
                byName[l.Name] = k;
            }

            return sources;
        }

        /// <summary>Inference: running statistics, dropout is the identity.</summary>
        public Matrix<double> Predict(Matrix<double> x)
        {
            var sources = Sources();
            var outs = new Matrix<double>[_d.Layers.Count];
            Matrix<double> In(int s) => s < 0 ? x : outs[s];
            for (int k = 0; k < _d.Layers.Count; k++)
            {
                var l = _d.Layers[k];
                var h = In(sources[k][0]);
                outs[k] = l switch
                {
                    MergeDescription merge => MergeForward(merge, sources[k].Select(In).ToArray()),
                    DenseDescription dense => DenseForward(dense, h),
                    Conv2DDescription conv => ConvForward(conv, h),
                    Pool2DDescription pool => PoolForward(pool, h, null),
                    BatchNormDescription bn => BatchNormInference(bn, h),
                    LayerNormDescription ln => LayerNormForward(ln, h, null),
                    DropoutDescription or FlattenDescription => h,
                    _ => Activation(l, h),
                };
            }

            return _d.Layers.Count == 0 ? x : outs[_d.Layers.Count - 1];
        }

        /// <summary>A merge of whole batches: element by element left to right, or concatenation of each row's inputs.</summary>
        private static Matrix<double> MergeForward(MergeDescription m, Matrix<double>[] xs)
        {
            if (m.Function == MergeFunction.Concatenate)
            {
                var result = xs[0];
                foreach (var next in xs.Skip(1))
                {
                    result = result.Append(next);
                }

                return result;
            }

            var acc = xs[0].Clone();
            foreach (var next in xs.Skip(1))
            {
                acc = m.Function switch
                {
                    MergeFunction.Add or MergeFunction.Average => acc + next,
                    MergeFunction.Subtract => acc - next,
                    MergeFunction.Multiply => acc.PointwiseMultiply(next),
                    MergeFunction.Maximum => M.Dense(acc.RowCount, acc.ColumnCount, (r, c) => Math.Max(acc[r, c], next[r, c])),
                    _ => M.Dense(acc.RowCount, acc.ColumnCount, (r, c) => Math.Min(acc[r, c], next[r, c])),
                };
            }

            return m.Function == MergeFunction.Average ? acc / xs.Length : acc;
        }

        /// <summary>
        /// The gradient of each input of a merge from the output gradient <paramref name="d"/>: the chain rule of the same
        /// left-to-right operations (a maximum or minimum gives a tie half of the gradient, as <c>torch.maximum</c>).
        /// </summary>
        private static Matrix<double>[] MergeBackward(MergeDescription m, Matrix<double>[] xs, Matrix<double> d)
        {
            int n = xs.Length;
            var result = new Matrix<double>[n];
            switch (m.Function)
            {
                case MergeFunction.Concatenate:
                {
                    int offset = 0;
                    for (int k = 0; k < n; k++)
                    {
                        result[k] = d.SubMatrix(0, d.RowCount, offset, xs[k].ColumnCount);
                        offset += xs[k].ColumnCount;
                    }

                    return result;
                }

                case MergeFunction.Add:
                    return Enumerable.Range(0, n).Select(_ => d.Clone()).ToArray();
                case MergeFunction.Subtract:
                    return new[] { d.Clone(), -d };
                case MergeFunction.Average:
                    return Enumerable.Range(0, n).Select(_ => d / n).ToArray();
                case MergeFunction.Multiply:
                    for (int k = 0; k < n; k++)
                    {
                        var g = d.Clone();
                        for (int i = 0; i < n; i++)
                        {
                            if (i != k)
                            {
                                g = g.PointwiseMultiply(xs[i]);
                            }
                        }

                        result[k] = g;
                    }

                    return result;
                default:
                {
                    bool max = m.Function == MergeFunction.Maximum;
                    double Share(double a, double b) => a == b ? 0.5 : (max ? a > b : a < b) ? 1 : 0;
                    for (int k = 0; k < n; k++)
                    {
                        result[k] = M.Dense(d.RowCount, d.ColumnCount);
                    }

                    for (int r = 0; r < d.RowCount; r++)
                    {
                        for (int c = 0; c < d.ColumnCount; c++)
                        {
                            // Prefix extremes m_i of the chain, then walk it back: g is the gradient of m_i.
                            var prefix = new double[n];
                            prefix[0] = xs[0][r, c];
                            for (int i = 1; i < n; i++)
                            {
                                prefix[i] = max ? Math.Max(prefix[i - 1], xs[i][r, c]) : Math.Min(prefix[i - 1], xs[i][r, c]);
                            }

                            double g = d[r, c];
                            for (int i = n - 1; i >= 1; i--)
                            {
                                result[i][r, c] = g * Share(xs[i][r, c], prefix[i - 1]);
                                g *= Share(prefix[i - 1], xs[i][r, c]);
                            }

                            result[0][r, c] = g;
                        }
                    }

                    return result;
                }
            }
        }

        /// <summary>
        /// Optional: the float32 computation's own input to a layer, by layer index (null when unknown). For a rectifier
        /// (ReLU, LeakyReLU) whose reference input lies within <see cref="KinkMargin"/> of the kink at 0 (relative to the
        /// largest input of that layer in the batch), the two computations can fall on different sides through rounding
        /// alone, and the derivatives then differ by (1 - alpha) for that element: the derivative follows the float32
        /// side there, as the dropout mask follows the generated mask. Only the side of the kink is taken, never a value.
        /// </summary>
        public Func<int, Matrix<double>?>? RectifierInputs { get; set; }

        /// <summary>The margin around a rectifier's kink, relative to the layer's largest input (default 1.1e-4, the forward tolerance).</summary>
        public double KinkMargin { get; set; } = 1.1e-4;

        /// <summary>How many elements the last pass took on the float32 side of a kink.</summary>
        public int LastKinkOverrides { get; private set; }

        /// <summary>What one training-mode pass computed.</summary>
        public sealed record Pass(double Loss, double[] Gradients, Matrix<double> Outputs);

        /// <summary>Training-mode forward pass, loss and gradients; updates running statistics when asked.</summary>
        public Pass Gradients(Matrix<double> x, Matrix<double> t, int seed, bool updateRunningStatistics)
        {
            var inputs = new List<Matrix<double>>();
            var caches = new Dictionary<int, (Matrix<double> Xhat, Vector<double> InvStd, Matrix<double> Mask)>();
            var sources = Sources();
            var outs = new Matrix<double>[_d.Layers.Count];
            Matrix<double> In(int s) => s < 0 ? x : outs[s];
            var h = x;
            for (int k = 0; k < _d.Layers.Count; k++)
            {
                var l = _d.Layers[k];
                h = In(sources[k][0]);
                inputs.Add(h);
                switch (l)
                {
                    case MergeDescription merge:
                        h = MergeForward(merge, sources[k].Select(In).ToArray());
                        break;
                    case DenseDescription dense:
                        h = DenseForward(dense, h);
                        break;
                    case Conv2DDescription conv:
                        h = ConvForward(conv, h);
                        break;
                    case Pool2DDescription pool:
                    {
                        var taken = new int[h.RowCount, pool.OutputSize];
                        h = PoolForward(pool, h, taken, pool.Kind == PoolKind.Max ? RectifierInputs?.Invoke(k) : null);
                        _taken[k] = taken;
                        break;
                    }

                    case FlattenDescription:
                        break;
                    case LayerNormDescription ln:
                    {
                        var xhat = M.Dense(h.RowCount, h.ColumnCount);
                        var invStd = Vector<double>.Build.Dense(h.RowCount * (h.ColumnCount / ln.GroupSize));
                        h = LayerNormForward(ln, h, (xhat, invStd));
                        caches[k] = (xhat, invStd, null!);
                        break;
                    }

                    case BatchNormDescription bn:
                    {
                        // Per feature: column j / spatial of the flattened sample (its channel); statistics over rows and positions.
                        int n = h.RowCount, s = bn.Spatial;
                        double count = (double)n * s;
                        var mean = ChannelSums(h, bn.Features, s) / count;
                        var centered = h - M.Dense(n, h.ColumnCount, (r, c) => mean[c / s]);
                        var variance = ChannelSums(centered.PointwisePower(2), bn.Features, s) / count;
                        var invStd = variance.Map(v => 1.0 / Math.Sqrt(v + bn.Epsilon));
                        var xhat = M.Dense(n, h.ColumnCount, (r, c) => centered[r, c] * invStd[c / s]);
                        caches[k] = (xhat, invStd, null!);
                        var gamma = Slice(bn.WeightOffset, bn.Features);
                        var beta = Slice(bn.BiasOffset, bn.Features);
                        h = M.Dense(n, h.ColumnCount, (r, c) => (xhat[r, c] * gamma[c / s]) + beta[c / s]);
                        if (updateRunningStatistics)
                        {
                            bool keras = bn.Convention == BatchNormConvention.Keras;
                            double keep = keras ? bn.Momentum : 1 - bn.Momentum;
                            for (int j = 0; j < bn.Features; j++)
                            {
                                double stored = keras ? variance[j] : variance[j] * count / (count - 1);
                                State[bn.RunningMeanOffset + j] = (keep * State[bn.RunningMeanOffset + j]) + ((1 - keep) * mean[j]);
                                State[bn.RunningVarOffset + j] = (keep * State[bn.RunningVarOffset + j]) + ((1 - keep) * stored);
                            }

                            Counters[bn.CounterIndex]++;
                        }

                        break;
                    }

                    case DropoutDescription dropout:
                    {
                        float rate = (float)dropout.Rate;
                        int layer = k;
                        var mask = M.Dense(h.RowCount, h.ColumnCount, (r, c) =>
                            DeterministicRandom.Hash(seed, Iterations, r, layer, c) < rate ? 0.0 : 1.0 / (1.0 - dropout.Rate));
                        caches[k] = (null!, null!, mask);
                        h = h.PointwiseMultiply(mask);
                        break;
                    }

                    default:
                        h = Activation(l, h);
                        break;
                }

                outs[k] = h;
            }

            var output = h;
            var (loss, d0) = LossAndGradient(output, t, inputs[inputs.Count - 1]);

            // Backward in reverse order; a layer read by several others sums their gradients.
            var grads = new double[Parameters.Length];
            var dOut = new Matrix<double>?[_d.Layers.Count];
            dOut[_d.Layers.Count - 1] = d0;
            void Contribute(int source, Matrix<double> g)
            {
                if (source >= 0)
                {
                    dOut[source] = dOut[source] is { } sum ? sum + g : g;
                }
            }

            LastKinkOverrides = 0;
            for (int k = _d.Layers.Count - 1; k >= 0; k--)
            {
                var l = _d.Layers[k];
                var input = inputs[k];
                var layerOutput = outs[k];
                if (dOut[k] is not { } d)
                {
                    continue;
                }

                if (l is MergeDescription mergeLayer)
                {
                    var parts = MergeBackward(mergeLayer, sources[k].Select(In).ToArray(), d);
                    for (int i = 0; i < parts.Length; i++)
                    {
                        Contribute(sources[k][i], parts[i]);
                    }

                    continue;
                }

                switch (l)
                {
                    case DenseDescription dense:
                    {
                        var w = Weight(dense);
                        var dW = d.TransposeThisAndMultiply(input);
                        for (int o = 0; o < dense.OutputSize; o++)
                        {
                            for (int i = 0; i < dense.InputSize; i++)
                            {
                                grads[dense.WeightOffset + (o * dense.InputSize) + i] += dW[o, i];
                            }

                            if (dense.BiasOffset is int bias)
                            {
                                grads[bias + o] += d.Column(o).Sum();
                            }
                        }

                        d = d * w;
                        break;
                    }

                    case BatchNormDescription bn:
                    {
                        // Each feature's values over rows and positions form one population (a channel for spatial inputs).
                        var (xhat, invStd, _) = caches[k];
                        int n = d.RowCount, s = bn.Spatial;
                        var gamma = Slice(bn.WeightOffset, bn.Features);
                        var dx = M.Dense(n, d.ColumnCount);
                        for (int j = 0; j < bn.Features; j++)
                        {
                            var dy = Population(d, j, s);
                            var xh = Population(xhat, j, s);
                            grads[bn.WeightOffset + j] += dy.DotProduct(xh);
                            grads[bn.BiasOffset + j] += dy.Sum();

                            // Jacobian of y_i = gamma * (x_i - mean) * invStd with respect to x_k, applied to dy.
                            var dxhat = dy * gamma[j];
                            double count = dy.Count;
                            double meanDxhat = dxhat.Sum() / count;
                            double meanDxhatXhat = dxhat.DotProduct(xh) / count;
                            for (int i = 0; i < dy.Count; i++)
                            {
                                dx[i / s, (j * s) + (i % s)] = invStd[j] * (dxhat[i] - meanDxhat - (xh[i] * meanDxhatXhat));
                            }
                        }

                        d = dx;
                        break;
                    }

                    case Conv2DDescription conv:
                        d = ConvBackward(conv, input, d, grads);
                        break;
                    case LayerNormDescription ln:
                    {
                        // Each group of each row is one population; weight and bias are shared by every group and row.
                        var (xhat, invStd, _) = caches[k];
                        int n = ln.GroupSize, groups = d.ColumnCount / n;
                        var dx = M.Dense(d.RowCount, d.ColumnCount);
                        for (int r = 0; r < d.RowCount; r++)
                        {
                            for (int gi = 0; gi < groups; gi++)
                            {
                                var dxhat = new double[n];
                                for (int j = 0; j < n; j++)
                                {
                                    int c = (gi * n) + j;
                                    grads[ln.WeightOffset + j] += d[r, c] * xhat[r, c];
                                    grads[ln.BiasOffset + j] += d[r, c];
                                    dxhat[j] = d[r, c] * Parameters[ln.WeightOffset + j];
                                }

                                double meanDxhat = dxhat.Sum() / n;
                                double meanDxhatXhat = Enumerable.Range(0, n).Sum(j => dxhat[j] * xhat[r, (gi * n) + j]) / n;
                                for (int j = 0; j < n; j++)
                                {
                                    dx[r, (gi * n) + j] = invStd[(r * groups) + gi] * (dxhat[j] - meanDxhat - (xhat[r, (gi * n) + j] * meanDxhatXhat));
                                }
                            }
                        }

                        d = dx;
                        break;
                    }

                    case Pool2DDescription pool:
                        d = PoolBackward(pool, d, _taken[k]);
                        break;
                    case FlattenDescription:
                        break;

                    case DropoutDescription:
                        d = d.PointwiseMultiply(caches[k].Mask);
                        break;
                    case SoftmaxDescription:
                    {
                        var y = layerOutput;
                        var dz = M.Dense(d.RowCount, d.ColumnCount);
                        for (int r = 0; r < d.RowCount; r++)
                        {
                            // dz_i = sum_j dy_j * y_j * (delta_ij - y_i)
                            for (int i = 0; i < d.ColumnCount; i++)
                            {
                                double s = 0;
                                for (int j = 0; j < d.ColumnCount; j++)
                                {
                                    s += d[r, j] * y[r, j] * ((i == j ? 1 : 0) - y[r, i]);
                                }

                                dz[r, i] = s;
                            }
                        }

                        d = dz;
                        break;
                    }

                    case ActivationDescription activation:
                        d = d.PointwiseMultiply(ActivationDerivative(activation, KinkSide(k, activation, input)));
                        break;
                    default:
                        throw new NotSupportedException($"The reference has no backward pass for {l.GetType().Name}; add it (every layer kind must be here).");
                }

                Contribute(sources[k][0], d);
            }

            return new Pass(loss, grads, output);
        }

        /// <summary>The rectifier's input with each element near the kink moved to the float32 computation's side (see <see cref="RectifierInputs"/>).</summary>
        private Matrix<double> KinkSide(int k, ActivationDescription l, Matrix<double> input)
        {
            if (l.Function is not (ActivationFunction.ReLU or ActivationFunction.LeakyReLU) || RectifierInputs?.Invoke(k) is not { } other)
            {
                return input;
            }

            double margin = KinkMargin * input.Enumerate().Select(Math.Abs).DefaultIfEmpty(0).Max();
            var result = input.Clone();
            for (int r = 0; r < input.RowCount; r++)
            {
                for (int c = 0; c < input.ColumnCount; c++)
                {
                    if (Math.Abs(input[r, c]) <= margin && (input[r, c] > 0) != (other[r, c] > 0))
                    {
                        result[r, c] = other[r, c];
                        LastKinkOverrides++;
                    }
                }
            }

            return result;
        }

        /// <summary>One training step: training-mode pass with running-statistics update, then the optimizer update.</summary>
        public double TrainStep(Matrix<double> x, Matrix<double> t, int seed)
        {
            var pass = Gradients(x, t, seed, updateRunningStatistics: true);
            LastGradients = pass.Gradients;
            var o = _d.Optimizer ?? throw new InvalidOperationException("The model has no optimizer.");
            long step = Iterations + 1;
            for (int i = 0; i < Parameters.Length; i++)
            {
                bool decoupled = o.Type == OptimizerType.AdamW;
                double g = pass.Gradients[i] + (decoupled ? 0 : o.WeightDecay * Parameters[i]);
                if (o.Type == OptimizerType.Sgd)
                {
                    double lr = o.LearningRate / (1 + (o.Decay * Iterations));
                    _m1[i] = (o.Momentum * _m1[i]) - (lr * g);
                    Parameters[i] += o.Nesterov ? (o.Momentum * _m1[i]) - (lr * g) : _m1[i];
                }
                else if (o.Type == OptimizerType.RmsProp)
                {
                    // RMSprop (PyTorch form, not centered): _m2 the squared-gradient average, _m1 the momentum buffer.
                    _m2[i] = (o.Alpha * _m2[i]) + ((1 - o.Alpha) * g * g);
                    double step1 = g / (Math.Sqrt(_m2[i]) + o.Epsilon);
                    _m1[i] = (o.Momentum * _m1[i]) + step1;
                    Parameters[i] -= o.LearningRate * (o.Momentum > 0 ? _m1[i] : step1);
                }
                else
                {
                    if (decoupled)
                    {
                        Parameters[i] *= 1 - (o.LearningRate * o.WeightDecay);
                    }

                    _m1[i] = (o.Beta1 * _m1[i]) + ((1 - o.Beta1) * g);
                    _m2[i] = (o.Beta2 * _m2[i]) + ((1 - o.Beta2) * g * g);
                    double mHat = _m1[i] / (1 - Math.Pow(o.Beta1, step));
                    double vHat = _m2[i] / (1 - Math.Pow(o.Beta2, step));
                    Parameters[i] -= o.LearningRate * mHat / (Math.Sqrt(vHat) + o.Epsilon);
                }
            }

            Iterations++;
            return pass.Loss;
        }

        private (double Loss, Matrix<double> Gradient) LossAndGradient(Matrix<double> y, Matrix<double> t, Matrix<double> logits)
        {
            int n = y.RowCount, k = y.ColumnCount;
            var d = M.Dense(n, k);
            double loss = 0;
            switch (_d.Loss)
            {
                case LossKind.CategoricalCrossEntropy:
                {
                    // Loss from the logits, the input of the last (softmax) layer, by log-sum-exp; gradient with respect to
                    // the softmax output is -t / p / n, and the softmax layer's Jacobian takes it back to the logits.
                    for (int r = 0; r < n; r++)
                    {
                        double max = logits.Row(r).Maximum();
                        double lse = max + Math.Log(logits.Row(r).Map(z => Math.Exp(z - max)).Sum());
                        for (int j = 0; j < k; j++)
                        {
                            loss += t[r, j] * (lse - logits[r, j]);
                            d[r, j] = -t[r, j] / y[r, j] / n;
                        }
                    }

                    return (loss / n, Finite(d));
                }

                case LossKind.BinaryCrossEntropy:
                {
                    for (int r = 0; r < n; r++)
                    {
                        for (int j = 0; j < k; j++)
                        {
                            double z = logits[r, j], p = 1 / (1 + Math.Exp(-z)), tt = t[r, j];
                            loss -= (tt * LogSigmoid(z)) + ((1 - tt) * LogSigmoid(-z));
                            d[r, j] = (p - tt) / (p * (1 - p)) / (n * k);
                        }
                    }

                    return (loss / (n * k), Finite(d));
                }

                default:
                    for (int r = 0; r < n; r++)
                    {
                        for (int j = 0; j < k; j++)
                        {
                            double e = y[r, j] - t[r, j];
                            loss += e * e;
                            d[r, j] = 2 * e / (n * k);
                        }
                    }

                    return (loss / (n * k), d);
            }
        }

        private static Matrix<double> Finite(Matrix<double> d)
        {
            // Where the output saturated to exactly 0 or 1 in double, -t / p is infinite; such a case is outside what
            // the differential tests generate, so fail loudly rather than compare against an infinity.
            if (d.Enumerate().Any(v => double.IsNaN(v) || double.IsInfinity(v)))
            {
                throw new ArithmeticException("The reference output saturated to 0 or 1; the loss gradient with respect to it is infinite.");
            }

            return d;
        }

        private static double LogSigmoid(double z) => z >= 0 ? -Math.Log(1 + Math.Exp(-z)) : z - Math.Log(1 + Math.Exp(z));

        private Matrix<double> DenseForward(DenseDescription l, Matrix<double> x)
        {
            var y = x * Weight(l).Transpose();
            if (l.BiasOffset is int bias)
            {
                var b = Slice(bias, l.OutputSize);
                y = M.Dense(y.RowCount, y.ColumnCount, (r, c) => y[r, c] + b[c]);
            }

            return y;
        }

        private Matrix<double> BatchNormInference(BatchNormDescription l, Matrix<double> x)
        {
            var gamma = Slice(l.WeightOffset, l.Features);
            var beta = Slice(l.BiasOffset, l.Features);
            int s = l.Spatial;
            return M.Dense(x.RowCount, x.ColumnCount, (r, c) =>
                ((x[r, c] - State[l.RunningMeanOffset + (c / s)]) / Math.Sqrt(State[l.RunningVarOffset + (c / s)] + l.Epsilon) * gamma[c / s]) + beta[c / s]);
        }

        /// <summary>LayerNorm by its definition, each group of each row with its own mean and biased variance; optionally keeps xhat and 1 / std.</summary>
        private Matrix<double> LayerNormForward(LayerNormDescription l, Matrix<double> x, (Matrix<double> Xhat, Vector<double> InvStd)? keep)
        {
            int n = l.GroupSize, groups = x.ColumnCount / n;
            var y = M.Dense(x.RowCount, x.ColumnCount);
            for (int r = 0; r < x.RowCount; r++)
            {
                for (int gi = 0; gi < groups; gi++)
                {
                    double mean = 0, variance = 0;
                    for (int j = 0; j < n; j++)
                    {
                        mean += x[r, (gi * n) + j] / n;
                    }

                    for (int j = 0; j < n; j++)
                    {
                        variance += (x[r, (gi * n) + j] - mean) * (x[r, (gi * n) + j] - mean) / n;
                    }

                    double inv = 1 / Math.Sqrt(variance + l.Epsilon);
                    if (keep is { } k)
                    {
                        k.InvStd[(r * groups) + gi] = inv;
                    }

                    for (int j = 0; j < n; j++)
                    {
                        double h = (x[r, (gi * n) + j] - mean) * inv;
                        if (keep is { } kk)
                        {
                            kk.Xhat[r, (gi * n) + j] = h;
                        }

                        y[r, (gi * n) + j] = (h * Parameters[l.WeightOffset + j]) + Parameters[l.BiasOffset + j];
                    }
                }
            }

            return y;
        }

        /// <summary>Per feature (a channel of <paramref name="spatial"/> consecutive columns), the sum over rows and positions.</summary>
        private static Vector<double> ChannelSums(Matrix<double> x, int features, int spatial) =>
            Vector<double>.Build.Dense(features, j =>
            {
                double sum = 0;
                for (int r = 0; r < x.RowCount; r++)
                {
                    for (int q = 0; q < spatial; q++)
                    {
                        sum += x[r, (j * spatial) + q];
                    }
                }

                return sum;
            });

        /// <summary>Feature <paramref name="j"/>'s values over every row and position, row-major.</summary>
        private static Vector<double> Population(Matrix<double> x, int j, int spatial) =>
            Vector<double>.Build.Dense(x.RowCount * spatial, i => x[i / spatial, (j * spatial) + (i % spatial)]);

        /// <summary>The input element a convolution tap reads for output position (oh, ow), or -1 on the padding.</summary>
        private static int Tap(Conv2DDescription l, int c, int oh, int ow, int u, int v)
        {
            int h = l.InputShape[1], w = l.InputShape[2];
            int ih = (oh * l.Stride) - l.PadTop + (u * l.Dilation);
            int iw = (ow * l.Stride) - l.PadLeft + (v * l.Dilation);
            return ih < 0 || ih >= h || iw < 0 || iw >= w ? -1 : (c * h * w) + (ih * w) + iw;
        }

        /// <summary>Convolution by its definition: every output a sum over channels and kernel taps, in double.</summary>
        private Matrix<double> ConvForward(Conv2DDescription l, Matrix<double> x)
        {
            int cin = l.InputShape[0], oh = l.OutputShape[1], ow = l.OutputShape[2], k = l.KernelSize;
            var y = M.Dense(x.RowCount, l.OutputSize);
            for (int r = 0; r < x.RowCount; r++)
            {
                for (int f = 0; f < l.Filters; f++)
                {
                    for (int i = 0; i < oh; i++)
                    {
                        for (int j = 0; j < ow; j++)
                        {
                            double sum = l.BiasOffset is int b ? Parameters[b + f] : 0;
                            for (int c = 0; c < cin; c++)
                            {
                                for (int u = 0; u < k; u++)
                                {
                                    for (int v = 0; v < k; v++)
                                    {
                                        int at = Tap(l, c, i, j, u, v);
                                        if (at >= 0)
                                        {
                                            sum += Parameters[l.WeightOffset + (((((f * cin) + c) * k) + u) * k) + v] * x[r, at];
                                        }
                                    }
                                }
                            }

                            y[r, (f * oh * ow) + (i * ow) + j] = sum;
                        }
                    }
                }
            }

            return y;
        }

        /// <summary>The convolution's gradients: dW and db summed over rows and positions, dx by scattering through the taps.</summary>
        private Matrix<double> ConvBackward(Conv2DDescription l, Matrix<double> x, Matrix<double> d, double[] grads)
        {
            int cin = l.InputShape[0], oh = l.OutputShape[1], ow = l.OutputShape[2], k = l.KernelSize;
            var dx = M.Dense(x.RowCount, l.InputSize);
            for (int r = 0; r < x.RowCount; r++)
            {
                for (int f = 0; f < l.Filters; f++)
                {
                    for (int i = 0; i < oh; i++)
                    {
                        for (int j = 0; j < ow; j++)
                        {
                            double g = d[r, (f * oh * ow) + (i * ow) + j];
                            if (l.BiasOffset is int b)
                            {
                                grads[b + f] += g;
                            }

                            for (int c = 0; c < cin; c++)
                            {
                                for (int u = 0; u < k; u++)
                                {
                                    for (int v = 0; v < k; v++)
                                    {
                                        int at = Tap(l, c, i, j, u, v);
                                        if (at >= 0)
                                        {
                                            int wi = l.WeightOffset + (((((f * cin) + c) * k) + u) * k) + v;
                                            grads[wi] += g * x[r, at];
                                            dx[r, at] += g * Parameters[wi];
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }

            return dx;
        }

        /// <summary>
        /// Pooling by its definition. Max takes the first largest input of each window and records it in
        /// <paramref name="taken"/>; with <paramref name="choose"/> (the float32 computation's input to this layer, from
        /// <see cref="RectifierInputs"/>) the choice of input is made on those values, as rectifiers follow the float32 side
        /// of their kink: two nearly equal inputs can order differently after rounding alone. Only the choice is taken,
        /// never a value.
        /// </summary>
        private static Matrix<double> PoolForward(Pool2DDescription l, Matrix<double> x, int[,]? taken, Matrix<double>? choose = null)
        {
            int c = l.InputShape[0], h = l.InputShape[1], w = l.InputShape[2];
            int oh = (h - l.SizeHeight) / l.Stride + 1, ow = (w - l.SizeWidth) / l.Stride + 1;
            var y = M.Dense(x.RowCount, l.OutputSize);
            for (int r = 0; r < x.RowCount; r++)
            {
                for (int ch = 0; ch < c; ch++)
                {
                    for (int i = 0; i < oh; i++)
                    {
                        for (int j = 0; j < ow; j++)
                        {
                            int o = (ch * oh * ow) + (i * ow) + j;
                            var by = choose ?? x;
                            double sum = 0;
                            int at = -1;
                            for (int u = 0; u < l.SizeHeight; u++)
                            {
                                for (int v = 0; v < l.SizeWidth; v++)
                                {
                                    int tap = (ch * h * w) + (((i * l.Stride) + u) * w) + (j * l.Stride) + v;
                                    sum += x[r, tap];
                                    if (at < 0 || by[r, tap] > by[r, at])
                                    {
                                        at = tap;
                                    }
                                }
                            }

                            if (l.Kind == PoolKind.Max)
                            {
                                if (taken is not null)
                                {
                                    taken[r, o] = at;
                                }

                                y[r, o] = x[r, at];
                            }
                            else
                            {
                                y[r, o] = sum / (l.SizeHeight * l.SizeWidth);
                            }
                        }
                    }
                }
            }

            return y;
        }

        private static Matrix<double> PoolBackward(Pool2DDescription l, Matrix<double> d, int[,] taken)
        {
            int c = l.InputShape[0], h = l.InputShape[1], w = l.InputShape[2];
            int oh = (h - l.SizeHeight) / l.Stride + 1, ow = (w - l.SizeWidth) / l.Stride + 1;
            var dx = M.Dense(d.RowCount, l.InputSize);
            for (int r = 0; r < d.RowCount; r++)
            {
                for (int ch = 0; ch < c; ch++)
                {
                    for (int i = 0; i < oh; i++)
                    {
                        for (int j = 0; j < ow; j++)
                        {
                            int o = (ch * oh * ow) + (i * ow) + j;
                            if (l.Kind == PoolKind.Max)
                            {
                                dx[r, taken[r, o]] += d[r, o];
                                continue;
                            }

                            for (int u = 0; u < l.SizeHeight; u++)
                            {
                                for (int v = 0; v < l.SizeWidth; v++)
                                {
                                    dx[r, (ch * h * w) + (((i * l.Stride) + u) * w) + (j * l.Stride) + v] += d[r, o] / (l.SizeHeight * l.SizeWidth);
                                }
                            }
                        }
                    }
                }
            }

            return dx;
        }

        private static Matrix<double> Activation(LayerDescription l, Matrix<double> x)
        {
            switch (l)
            {
                case ActivationDescription { Function: ActivationFunction.ReLU }: return x.Map(v => v > 0 ? v : 0);
                case ActivationDescription { Function: ActivationFunction.LeakyReLU } a: return x.Map(v => v > 0 ? v : a.Alpha * v);
                case ActivationDescription { Function: ActivationFunction.Sigmoid }: return x.Map(v => 1 / (1 + Math.Exp(-v)));
                case ActivationDescription { Function: ActivationFunction.Tanh }: return x.Map(Math.Tanh);
                case ActivationDescription { Function: ActivationFunction.GELU }: return x.Map(v => v * NormalCdf(v));
                case SoftmaxDescription:
                {
                    var y = M.Dense(x.RowCount, x.ColumnCount);
                    for (int r = 0; r < x.RowCount; r++)
                    {
                        double max = x.Row(r).Maximum();
                        var e = x.Row(r).Map(v => Math.Exp(v - max));
                        y.SetRow(r, e / e.Sum());
                    }

                    return y;
                }

                default: throw new NotSupportedException($"The reference has no forward pass for {l.GetType().Name}; add it (every layer kind must be here).");
            }
        }

        private static Matrix<double> ActivationDerivative(ActivationDescription l, Matrix<double> x) => l.Function switch
        {
            ActivationFunction.ReLU => x.Map(v => v > 0 ? 1.0 : 0.0),
            ActivationFunction.LeakyReLU => x.Map(v => v > 0 ? 1.0 : l.Alpha),
            ActivationFunction.Sigmoid => x.Map(v => { double s = 1 / (1 + Math.Exp(-v)); return s * (1 - s); }),
            ActivationFunction.Tanh => x.Map(v => 1 - (Math.Tanh(v) * Math.Tanh(v))),
            ActivationFunction.GELU => x.Map(v => NormalCdf(v) + (v * Math.Exp(-0.5 * v * v) / Math.Sqrt(2 * Math.PI))),
            _ => throw new NotSupportedException($"The reference has no derivative for {l.Function}."),
        };

        /// <summary>The standard normal distribution function, from MathNet's erf (independent of the generated code's).</summary>
        private static double NormalCdf(double v) => 0.5 * (1 + MathNet.Numerics.SpecialFunctions.Erf(v / Math.Sqrt(2)));

        private Matrix<double> Weight(DenseDescription l) =>
            M.Dense(l.OutputSize, l.InputSize, (r, c) => Parameters[l.WeightOffset + (r * l.InputSize) + c]);

        private Vector<double> Slice(int offset, int length) => Vector<double>.Build.Dense(length, i => Parameters[offset + i]);

        private static double[] ToDouble(ReadOnlySpan<float> values)
        {
            var result = new double[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                result[i] = values[i];
            }

            return result;
        }
    }
}
