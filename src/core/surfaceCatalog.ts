/**
 * The built-in loss surfaces: formula, standard domain, known minima, what
 * each one teaches, and where it comes from.
 *
 * Minima locations and values are float64 results of Newton's method on the
 * compiler's exact gradient and Hessian (test/unit/surfaces.test.ts repeats
 * it: the gradient vanishes there and the Hessian is positive definite),
 * unless a closed form is given. Published values are quoted to the digits
 * their sources give.
 */
import type { Domain, SurfaceDefinition } from './surfaces.ts';

/** Jamil and Yang's survey, the source of several definitions and domains. */
const JAMIL_YANG =
  'M. Jamil and X.-S. Yang, "A literature survey of benchmark functions for global optimisation problems", ' +
  'Int. J. Mathematical Modelling and Numerical Optimisation 4(2), 150–194, 2013';

/** Surjanovic and Bingham's library of test functions. */
const VLSE = 'S. Surjanovic and D. Bingham, Virtual Library of Simulation Experiments: Test Functions and Datasets, https://www.sfu.ca/~ssurjano/';

const square = (half: number): Domain => ({ xMin: -half, xMax: half, yMin: -half, yMax: half });

/** Name of the quadratic whose formula is generated from the condition number κ. */
export const ILL_CONDITIONED_NAME = 'ill-conditioned';

/** Angle, in degrees, by which the ill-conditioned quadratic's axes are rotated from x and y. */
export const ILL_CONDITIONED_ANGLE_DEGREES = 30;

/**
 * Defines the ill-conditioned quadratic f = ½ (κu² + v²) with
 * u = x cos 30° + y sin 30° and v = −x sin 30° + y cos 30°: a bowl whose
 * Hessian has eigenvalue κ along (cos 30°, sin 30°) and 1 across it. The
 * formula text is built from the number κ alone. The app and the CLI accept
 * κ from 1 to 1e4; this function throws RangeError below 1 or for a
 * non-finite κ.
 */
export function illConditionedQuadratic(condition: number): SurfaceDefinition {
  if (!Number.isFinite(condition) || condition < 1) {
    throw new RangeError(`condition number must be a finite number >= 1, not ${condition}`);
  }

  // sqrt(3)/2 = cos 30° and 1/2 = sin 30°; the compiler folds both into constants.
  const kappa = String(condition);
  return {
    name: ILL_CONDITIONED_NAME,
    label: `½(κu² + v²), κ = ${kappa}, axes turned 30°`,
    formula: `0.5*(${kappa}*(sqrt(3)/2*x + y/2)^2 + (sqrt(3)/2*y - x/2)^2)`,
    dims: 2,
    domain: square(2),
    minima: [{ x: 0, y: 0, value: 0, global: true }],
    allMinimaListed: true,
    hessianEigenvalues: [1, condition],
    usesCondition: true,
    description:
      `A narrow valley turned by 30°, curvature κ = ${kappa} across it and 1 along it: descent is stable only for η < 2/κ, ` +
      'and at such rates it zig-zags across the valley and crawls along it.',
    source:
      'Constructed for this catalog: f = ½ pᵀAp with A = R diag(κ, 1) Rᵀ and R the rotation by 30°, so the Hessian A has eigenvalues κ and 1.',
  };
}

export const BUILT_IN_SURFACES: readonly SurfaceDefinition[] = [
  {
    name: 'parabola',
    label: 'x²',
    formula: 'x^2',
    dims: 1,
    domain: { xMin: -2, xMax: 2, yMin: 0, yMax: 0 },
    minima: [{ x: 0, y: 0, value: 0, global: true }],
    allMinimaListed: true,
    hessianEigenvalues: [2],
    description: 'One dimension, one minimum: plain descent multiplies x by (1 − 2η) every step, so it converges for 0 < η < 1.',
    source: 'The textbook first example of gradient descent.',
  },
  {
    name: 'double-well',
    label: '(x² − 1)² + 0.3x',
    formula: '(x^2 - 1)^2 + 0.3*x',
    dims: 1,
    domain: { xMin: -2, xMax: 2, yMin: 0, yMax: 0 },
    // The outer roots of f'(x) = 4x³ − 4x + 0.3 (trigonometric solution of the cubic); the middle root is a maximum.
    minima: [
      { x: -1.0355787140888537, y: 0, value: -0.30542848374391601, global: true },
      { x: 0.96014955551910552, y: 0, value: 0.29414648102826285, global: false },
    ],
    allMinimaListed: true,
    description:
      'Two minima of unequal depth, split by a maximum near x = 0.075: the start, not the depth, decides which one a particle reaches.',
    source:
      'Constructed for this catalog: the symmetric double well (x² − 1)² tilted by 0.3x. Minima: the outer roots of 4x³ − 4x + 0.3 = 0.',
  },
  {
    name: 'quadratic',
    label: 'x² + 2y²',
    formula: 'x^2 + 2*y^2',
    dims: 2,
    domain: square(2),
    minima: [{ x: 0, y: 0, value: 0, global: true }],
    allMinimaListed: true,
    hessianEigenvalues: [2, 4],
    description: 'A convex bowl with curvatures 2 and 4: y contracts by (1 − 4η) and x by (1 − 2η), so descent is stable for η < 0.5.',
    source: 'Quadratic model f(x) = ½ xᵀAx with A = diag(2, 4).',
  },
  illConditionedQuadratic(10),
  {
    name: 'saddle',
    label: 'x² − y²',
    formula: 'x^2 - y^2',
    dims: 2,
    domain: square(2),
    minima: [],
    allMinimaListed: true,
    saddles: [{ x: 0, y: 0, value: 0, kind: 'saddle' }],
    hessianEigenvalues: [-2, 2],
    description:
      'No minimum: the gradient vanishes at the origin, a saddle. Particles slide in along x, then escape along y and diverge; ' +
      'only starts exactly on y = 0 stop at the saddle.',
    source: 'The hyperbolic paraboloid, the textbook example of a nondegenerate saddle point.',
  },
  {
    name: 'monkey-saddle',
    label: 'x³ − 3xy²',
    formula: 'x^3 - 3*x*y^2',
    dims: 2,
    domain: square(1.5),
    minima: [],
    allMinimaListed: true,
    saddles: [{ x: 0, y: 0, value: 0, kind: 'degenerate' }],
    description:
      'No minimum: at the origin the gradient and the Hessian both vanish, so descent stalls near it (the gradient shrinks like r²) ' +
      'before escaping down one of three valleys.',
    source: 'The monkey saddle, the textbook example of a degenerate critical point (Wikipedia, "Monkey saddle").',
  },
  {
    name: 'rosenbrock',
    label: '(1 − x)² + 100(y − x²)²',
    formula: '(1 - x)^2 + 100*(y - x^2)^2',
    dims: 2,
    domain: { xMin: -2, xMax: 2, yMin: -1, yMax: 3 },
    minima: [{ x: 1, y: 1, value: 0, global: true }],
    allMinimaListed: true,
    description: 'A narrow curved valley: particles reach the valley floor quickly and then crawl along it towards (1, 1).',
    source:
      'H. H. Rosenbrock, "An automatic method for finding the greatest or least value of a function", The Computer Journal 3(3), 1960 (a = 1, b = 100).',
  },
  {
    name: 'himmelblau',
    label: '(x² + y − 11)² + (x + y² − 7)²',
    formula: '(x^2 + y - 11)^2 + (x + y^2 - 7)^2',
    dims: 2,
    domain: square(5),
    minima: [
      { x: 3, y: 2, value: 0, global: true },
      { x: -2.805118086952745, y: 3.131312518250573, value: 0, global: true },
      { x: -3.779310253377747, y: -3.28318599128617, value: 0, global: true },
      { x: 3.584428340330492, y: -1.848126526964404, value: 0, global: true },
    ],
    allMinimaListed: true,
    description: 'Four minima of equal value: every start falls into one of four basins.',
    source: 'D. M. Himmelblau, Applied Nonlinear Programming, McGraw-Hill, 1972.',
  },
  {
    name: 'rastrigin',
    label: '20 + x² − 10cos 2πx + y² − 10cos 2πy',
    formula: '20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)',
    dims: 2,
    domain: square(5.12),
    // Local minima sit near every integer point; only the global one is listed.
    minima: [{ x: 0, y: 0, value: 0, global: true }],
    allMinimaListed: false,
    description: 'A lattice of local minima around one global minimum: small steps get trapped near their start.',
    source: `L. A. Rastrigin, Systems of Extremal Control, 1974; n = 2, A = 10, standard domain [−5.12, 5.12]² (${JAMIL_YANG}).`,
  },
  {
    name: 'ackley',
    label: '−20e^(−0.2√(½(x²+y²))) − e^(½(cos 2πx + cos 2πy)) + e + 20',
    formula: '-20*exp(-0.2*sqrt(0.5*(x^2 + y^2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20',
    dims: 2,
    domain: square(5),
    // Local minima sit near every integer point; only the global one is listed.
    minima: [{ x: 0, y: 0, value: 0, global: true }],
    allMinimaListed: false,
    description:
      'A nearly flat, rippled plain with one deep hole: shallow local minima everywhere, and a cone tip at the origin ' +
      'where the gradient jumps (the compiler uses the subgradient 0 there).',
    source:
      `D. H. Ackley, A Connectionist Machine for Genetic Hillclimbing, Kluwer, 1987; form with a = 20, b = 0.2, c = 2π from ${VLSE} ` +
      '(ackley), on [−5, 5]² instead of the usual [−32.768, 32.768]² so that the hole is visible.',
  },
  {
    name: 'beale',
    label: '(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²',
    formula: '(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2',
    dims: 2,
    domain: square(4.5),
    minima: [{ x: 3, y: 0.5, value: 0, global: true }],
    allMinimaListed: true,
    description:
      'Flat plateaus and steep ridges: the gradient spans many orders of magnitude, so one learning rate is too small on the plateaus ' +
      'and too large near the ridges.',
    source: `${JAMIL_YANG}; domain [−4.5, 4.5]² and minimum f(3, 0.5) = 0 as given there and by ${VLSE}.`,
  },
  {
    name: 'booth',
    label: '(x + 2y − 7)² + (2x + y − 5)²',
    formula: '(x + 2*y - 7)^2 + (2*x + y - 5)^2',
    dims: 2,
    domain: square(10),
    minima: [{ x: 1, y: 3, value: 0, global: true }],
    allMinimaListed: true,
    hessianEigenvalues: [2, 18],
    description: 'A convex quadratic bowl turned by 45°, curvatures 2 and 18: descent is stable for η < 1/9 and zig-zags near that limit.',
    source: `${JAMIL_YANG}; domain [−10, 10]² and minimum f(1, 3) = 0 as given there. Hessian eigenvalues: 2(AᵀA) with A = [[1, 2], [2, 1]].`,
  },
  {
    name: 'matyas',
    label: '0.26(x² + y²) − 0.48xy',
    formula: '0.26*(x^2 + y^2) - 0.48*x*y',
    dims: 2,
    domain: square(10),
    minima: [{ x: 0, y: 0, value: 0, global: true }],
    allMinimaListed: true,
    hessianEigenvalues: [0.04, 1],
    description:
      'A plate-shaped bowl with curvatures 0.04 and 1 (condition number 25): particles drop into the diagonal valley at once, then crawl along it.',
    source: `${JAMIL_YANG}; domain [−10, 10]² and minimum f(0, 0) = 0 as given there.`,
  },
  {
    name: 'three-hump-camel',
    label: '2x² − 1.05x⁴ + x⁶/6 + xy + y²',
    formula: '2*x^2 - 1.05*x^4 + x^6/6 + x*y + y^2',
    dims: 2,
    domain: square(5),
    // Side minima in closed form: x = ±√(2.1 + √0.91), y = −x/2.
    minima: [
      { x: 0, y: 0, value: 0, global: true },
      { x: -1.7475523458302891, y: 0.87377617291514453, value: 0.29863844223685965, global: false },
      { x: 1.7475523458302891, y: -0.87377617291514453, value: 0.29863844223685965, global: false },
    ],
    allMinimaListed: true,
    description: 'Three basins: the global minimum at the origin and two shallow side minima that catch starts from the edges.',
    source: `${JAMIL_YANG}; domain [−5, 5]² and minimum f(0, 0) = 0 as given there and by ${VLSE} (camel3).`,
  },
  {
    name: 'six-hump-camel',
    label: '(4 − 2.1x² + x⁴/3)x² + xy + (4y² − 4)y²',
    formula: '(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2',
    dims: 2,
    domain: { xMin: -3, xMax: 3, yMin: -2, yMax: 2 },
    // Published: f(±0.0898, ∓0.7126) = −1.0316.
    minima: [
      { x: 0.089842013100318058, y: -0.71265640302073963, value: -1.0316284534898774, global: true },
      { x: -0.089842013100318058, y: 0.71265640302073963, value: -1.0316284534898774, global: true },
      { x: -1.7036067149699807, y: 0.79608356867262509, value: -0.21546382438371725, global: false },
      { x: 1.7036067149699807, y: -0.7960835686726252, value: -0.21546382438371725, global: false },
      { x: -1.6071047529201972, y: -0.56865145488413138, value: 2.104250310311258, global: false },
      { x: 1.6071047529201972, y: 0.56865145488413138, value: 2.104250310311258, global: false },
    ],
    allMinimaListed: true,
    description: 'Six local minima, two of them global and mirror images: basins of very different size and depth.',
    source: `L. C. W. Dixon and G. P. Szegő, Towards Global Optimisation 2, North-Holland, 1978; domain [−3, 3] × [−2, 2] and global minima from ${VLSE} (camel6).`,
  },
  {
    name: 'styblinski-tang',
    label: '½(x⁴ − 16x² + 5x + y⁴ − 16y² + 5y)',
    formula: '(x^4 - 16*x^2 + 5*x + y^4 - 16*y^2 + 5*y)/2',
    dims: 2,
    domain: square(5),
    // Each coordinate sits at a minimum of ½(t⁴ − 16t² + 5t): the outer roots of t³ − 8t + 1.25 = 0.
    // Published: −39.16599 per coordinate at t = −2.903534.
    minima: [
      { x: -2.903534027771177, y: -2.903534027771177, value: -78.33233140754284, global: true },
      { x: 2.7468027709908371, y: -2.903534027771177, value: -64.19561235905536, global: false },
      { x: -2.903534027771177, y: 2.7468027709908371, value: -64.19561235905536, global: false },
      { x: 2.7468027709908371, y: 2.7468027709908371, value: -50.05889331056789, global: false },
    ],
    allMinimaListed: true,
    description: 'Four basins, one per quadrant, of unequal depth: the deepest is at (−2.90, −2.90), the shallowest at (2.75, 2.75).',
    source:
      'M. A. Styblinski and T.-S. Tang, "Experiments in nonconvex optimization: stochastic approximation with function smoothing and simulated annealing", ' +
      `Neural Networks 3(4), 1990; domain [−5, 5]² and global minimum as given by ${JAMIL_YANG}.`,
  },
  {
    name: 'goldstein-price',
    label: '[1 + (x + y + 1)²(19 − 14x + 3x² − 14y + 6xy + 3y²)] · [30 + (2x − 3y)²(18 − 32x + 12x² + 48y − 36xy + 27y²)]',
    formula:
      '(1 + (x + y + 1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2)) * (30 + (2*x - 3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))',
    dims: 2,
    domain: square(2),
    // Exact: the gradient vanishes at these rational points (checked in rational arithmetic).
    minima: [
      { x: 0, y: -1, value: 3, global: true },
      { x: -0.6, y: -0.4, value: 30, global: false },
      { x: 1.8, y: 0.2, value: 84, global: false },
      { x: 1.2, y: 0.8, value: 840, global: false },
    ],
    allMinimaListed: true,
    description: 'Values from 3 to about a million: steep walls around a flat floor with four local minima of values 3, 30, 84 and 840; best seen on the log scale.',
    source:
      'A. A. Goldstein and J. F. Price, "On descent from local minima", Mathematics of Computation 25(115), 1971; ' +
      `domain [−2, 2]² and minimum f(0, −1) = 3 as given by ${VLSE} (goldpr).`,
  },
];
