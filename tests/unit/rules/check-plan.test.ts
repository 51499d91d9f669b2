import { describe, expect, it } from 'vitest';
import { checkPlan } from '../../../src/rules/checks/check-plan.js';
import { buildRequest, policy } from './build.js';

const meal = { title: '工作餐', venue: '本单位食堂', menu: ['家常菜四菜一汤'], minutes: 45, diners: 8 };

it('finds nothing wrong with a plain plan', () => {
  const plan = { tasks: [{ title: '预订定点饭店标准间' }], itinerary: [{ title: '考察园区', place: '高新区' }], meals: [meal] };
  expect(checkPlan(plan, policy, buildRequest())).toEqual([]);
});

describe('R6: welcome and farewell', () => {
  it('warns with R6 when a task adds a welcome at the station (R6)', () => {
    expect(checkPlan({ tasks: [{ title: '组织车站迎送' }] }, policy)).toEqual([
      expect.objectContaining({ rule: 'R6', severity: 'reason', field: 'plan.tasks[0]', message: expect.stringContaining('「车站迎送」') }),
    ]);
  });

  it('warns with R6 when an itinerary item lays a red carpet (R6)', () => {
    expect(checkPlan({ itinerary: [{ title: '欢迎仪式', place: '铺设红地毯' }] }, policy)).toEqual([
      expect.objectContaining({ rule: 'R6', field: 'plan.itinerary[0]' }),
    ]);
  });
});

describe('R12: activities and gifts', () => {
  it('refuses sightseeing and entertainment in the itinerary (R12)', () => {
    expect(checkPlan({ itinerary: [{ title: '景区游览' }, { title: '晚间KTV' }] }, policy)).toEqual([
      expect.objectContaining({ rule: 'R12', severity: 'block', field: 'plan.itinerary[0]' }),
      expect.objectContaining({ rule: 'R12', severity: 'block', field: 'plan.itinerary[1]', message: expect.stringContaining('「KTV」') }),
    ]);
  });

  it('refuses a task that prepares local specialties as gifts (R12)', () => {
    expect(checkPlan({ tasks: [{ title: '准备土特产' }] }, policy)).toEqual([expect.objectContaining({ rule: 'R12', severity: 'block' })]);
  });
});

describe('R9 and the local meal rules', () => {
  it('refuses luxury dishes on the menu (R9)', () => {
    expect(checkPlan({ meals: [{ ...meal, menu: ['鱼翅羹', '清炒时蔬'] }] }, policy)).toEqual([
      expect.objectContaining({ rule: 'R9', severity: 'block', field: 'plan.meals[0].menu' }),
    ]);
  });

  it('refuses a private club as the venue (R9)', () => {
    expect(checkPlan({ meals: [{ ...meal, venue: '江畔私人会所' }] }, policy)).toEqual([
      expect.objectContaining({ rule: 'R9', severity: 'block', field: 'plan.meals[0].venue' }),
    ]);
  });

  it('refuses alcohol where the policy allows none (meals.alcohol_allowed)', () => {
    expect(checkPlan({ meals: [{ ...meal, alcohol: true }] }, policy)).toEqual([
      expect.objectContaining({ rule: 'meals.alcohol_allowed', severity: 'block' }),
    ]);
  });

  it('accepts a 50-minute meal and asks a reason for 51 minutes (meals.max_minutes)', () => {
    expect(checkPlan({ meals: [{ ...meal, minutes: 50 }] }, policy)).toEqual([]);
    expect(checkPlan({ meals: [{ ...meal, minutes: 51 }] }, policy)).toEqual([
      {
        rule: 'meals.max_minutes',
        severity: 'reason',
        message: '第1次用餐计划51分钟，工作餐时长不超过50分钟（本地规定）',
        field: 'plan.meals[0].minutes',
      },
    ]);
  });

  it('refuses a second working meal in the plan (R8)', () => {
    expect(checkPlan({ meals: [meal, meal] }, policy, buildRequest())).toEqual([
      expect.objectContaining({ rule: 'R8', severity: 'block', field: 'plan.meals' }),
    ]);
  });

  it('refuses a table with more hosts than R8 allows (R8)', () => {
    expect(checkPlan({ meals: [{ ...meal, diners: 9 }] }, policy, buildRequest())).toEqual([
      expect.objectContaining({ rule: 'R8', severity: 'block', message: '来访5人，陪餐最多3人，第1次用餐安排9人（陪餐4人）（工作餐和陪餐规定）' }),
    ]);
  });

  it('asks a reason for a planned cost above the standard (meals.working_meal.per_person)', () => {
    expect(checkPlan({ meals: [{ ...meal, cost_per_person: 60 }] }, policy, buildRequest())).toEqual([]);
    expect(checkPlan({ meals: [{ ...meal, cost_per_person: 61 }] }, policy, buildRequest())).toEqual([
      expect.objectContaining({ rule: 'meals.working_meal.per_person', severity: 'reason' }),
    ]);
  });
});
